"""Tables of case administration: copies of a case (抄送), notices read, the training clock."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workflows.persistence.database import Base
from workflows.persistence.models.types import UTCDateTime


class CaseCopy(Base):
    """A copy of a case sent to a user (抄送): the user may read the case from then on."""

    __tablename__ = "case_copies"
    __table_args__ = (UniqueConstraint("instance_id", "user_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("process_instances.id"), index=True)
    user_name: Mapped[str] = mapped_column(String(255), index=True)
    copied_by: Mapped[str] = mapped_column(String(255))
    message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class NotificationRead(Base):
    """A user has read a notice (a group's notice is read by each member on their own)."""

    __tablename__ = "notification_reads"
    __table_args__ = (
        UniqueConstraint("notification_id", "user_name"),
        Index("ix_notification_reads_user_name", "user_name", "notification_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id"))
    user_name: Mapped[str] = mapped_column(String(255))
    read_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TrainingClock(Base):
    """The simulated clock's distance from real time (one row, id 1), shared by every worker
    of a server started with ``BPM_CLOCK=simulated``."""

    __tablename__ = "training_clock"

    id: Mapped[int] = mapped_column(primary_key=True)
    offset_seconds: Mapped[float] = mapped_column(default=0.0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str] = mapped_column(String(255))
