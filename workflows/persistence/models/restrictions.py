"""What keeps an institution from applying: bans (禁止申请) and the normal-procedure-only rule."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workflows.persistence.database import Base
from workflows.persistence.models.types import UTCDateTime

RESTRICTION_KINDS = ("ban", "normal_procedure_only")


class ApplicationRestriction(Base):
    """A restriction on an institution's applications for one process.

    ``ban``: no new application until ``until`` (inclusive), e.g. 3 years after a
    revocation for fraud, 1 year after a refusal for false materials.
    ``normal_procedure_only``: the next application must use the normal procedure (一般程序),
    after a notification-commitment (告知承诺) application was withdrawn; the next
    normal-procedure application lifts it (``lifted_at``, ``lifted_by``).
    """

    __tablename__ = "application_restrictions"
    __table_args__ = (
        Index("ix_application_restrictions_credit_code_process_key", "credit_code", "process_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    credit_code: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    process_key: Mapped[str] = mapped_column(String(255))
    until: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    source_instance_id: Mapped[str | None] = mapped_column(String(36))
    source_business_key: Mapped[str | None] = mapped_column(String(255))
    created_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lifted_by: Mapped[str | None] = mapped_column(String(255))
    lift_reason: Mapped[str | None] = mapped_column(Text)
