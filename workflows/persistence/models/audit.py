"""The append-only audit trail: who did what, when, to which case and task."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from workflows.persistence.database import Base, JSONType
from workflows.persistence.models.types import UTCDateTime


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_instance_id_id", "instance_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(64))
    instance_id: Mapped[str | None] = mapped_column(String(36))
    task_id: Mapped[str | None] = mapped_column(String(36))
    process_key: Mapped[str | None] = mapped_column(String(255))
    business_key: Mapped[str | None] = mapped_column(String(255))
    details: Mapped[dict] = mapped_column(JSONType)
