"""Process instances, their message subscriptions and idempotent starts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from workflows.persistence.database import Base, JSONType
from workflows.persistence.models.types import UTCDateTime

# A case is active while it may still move on (an administrator retries one in error) and
# closed once it has ended; every status is one or the other.
ACTIVE_STATUSES = ("running", "suspended", "error")
CLOSED_STATUSES = ("completed", "cancelled")
_ACTIVE_SQL = f"status IN ({', '.join(repr(s) for s in ACTIVE_STATUSES)}) AND business_key IS NOT NULL"


class ProcessInstance(Base):
    """A running or finished case.

    ``serialized`` is SpiffWorkflow's state without the spec (the spec comes from
    the definition version); ``lock_version`` makes every update a version check.
    """

    __tablename__ = "process_instances"
    __table_args__ = (
        Index(
            "uq_process_instances_active_business_key",
            "process_key",
            "business_key",
            unique=True,
            sqlite_where=text(_ACTIVE_SQL),
            postgresql_where=text(_ACTIVE_SQL),
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definitions.id"), index=True)
    parent_instance_id: Mapped[str | None] = mapped_column(String(36), index=True)
    process_key: Mapped[str] = mapped_column(String(255))
    business_key: Mapped[str | None] = mapped_column(String(255), index=True)
    # The applying institution's credit code (the process property ``applicantCode``).
    applicant_code: Mapped[str | None] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    serialized: Mapped[str] = mapped_column(Text)
    variables: Mapped[dict] = mapped_column(JSONType)
    called_definitions: Mapped[dict] = mapped_column(JSONType)
    error: Mapped[dict | None] = mapped_column(JSONType)
    statutory_limit: Mapped[str | None] = mapped_column(String(32))
    statutory_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    statutory_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    clock_pauses: Mapped[list] = mapped_column(JSONType, default=list)
    calendar_incomplete: Mapped[bool] = mapped_column(default=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_by: Mapped[str] = mapped_column(String(255))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lock_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": lock_version}


class MessageSubscription(Base):
    """A BPMN message an instance is waiting for, kept in step with its state."""

    __tablename__ = "message_subscriptions"
    __table_args__ = (Index("ix_message_subscriptions_name_business_key", "name", "business_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[str] = mapped_column(
        ForeignKey("process_instances.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(255))
    business_key: Mapped[str | None] = mapped_column(String(255))
    task_id: Mapped[str] = mapped_column(String(36))
    element_id: Mapped[str] = mapped_column(String(255))
    # the case's value of each correlation property the message declares (None: it has none)
    correlations: Mapped[dict | None] = mapped_column(JSONType)


class IdempotencyRecord(Base):
    """The case a request sent with an Idempotency-Key created: a staff start or a portal
    submission (``workflows.persistence.idempotency``); ``scope`` is the sender's actor name."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(255))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    instance_id: Mapped[str] = mapped_column(ForeignKey("process_instances.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Sequence(Base):
    """Named counters (certificate numbers, case numbers), advanced in the caller's transaction."""

    __tablename__ = "sequences"

    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[int]
