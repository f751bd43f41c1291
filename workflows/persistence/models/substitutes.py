"""Out-of-office substitutes (代理): who takes the new tasks of an absent user, and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from workflows.persistence.database import Base
from workflows.persistence.models.types import UTCDateTime


class Substitute(Base):
    """While ``starts_at <= now < ends_at``, tasks newly assigned to ``user_name`` go to
    ``substitute_name`` instead, marked as done on the user's behalf. One per user."""

    __tablename__ = "substitutes"
    __table_args__ = (Index("ix_substitutes_substitute_name", "substitute_name"),)

    user_name: Mapped[str] = mapped_column(String(255), primary_key=True)
    substitute_name: Mapped[str] = mapped_column(String(255))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
