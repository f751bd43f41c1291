"""The bureau's own working-day schedule for years the library does not know yet."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from workflows.persistence.database import Base, JSONType
from workflows.persistence.models.types import UTCDateTime


class CalendarYear(Base):
    """One year's State Council schedule: weekday holidays and weekend make-up days (调休)."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    holidays: Mapped[dict] = mapped_column(JSONType)
    workdays: Mapped[list] = mapped_column(JSONType)
    source: Mapped[str] = mapped_column(String(500))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    loaded_by: Mapped[str] = mapped_column(String(255))
