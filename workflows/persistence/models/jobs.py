"""Jobs for the job executor: due timers, and later deliveries and other deferred work."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workflows.persistence.database import Base, JSONType
from workflows.persistence.models.types import UTCDateTime

JOB_STATES = ("pending", "suspended", "incident")


class Job(Base):
    """One unit of deferred work.

    A worker leases a due job (``lease_owner`` until ``lease_expires_at``), runs it in one
    transaction and deletes it; a worker that dies loses its lease and another one takes
    the job over. ``dedup_key`` keeps one job per timer.
    """

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_state_due_at", "state", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    dedup_key: Mapped[str] = mapped_column(String(255), unique=True)
    instance_id: Mapped[str | None] = mapped_column(String(36), index=True)
    payload: Mapped[dict] = mapped_column(JSONType)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(255))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
