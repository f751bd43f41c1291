"""Request counters of fixed-window rate limits, shared by every worker and node."""

from __future__ import annotations

from sqlalchemy import Float, String
from sqlalchemy.orm import Mapped, mapped_column

from workflows.persistence.database import Base


class RateLimitCounter(Base):
    """Requests counted under ``key`` (the limiter's key: client and limit) in the window
    that ends at ``expires_at`` (Unix seconds, wall clock, as the limiter counts)."""

    __tablename__ = "rate_limit_counters"

    key: Mapped[str] = mapped_column(String(512), primary_key=True)
    count: Mapped[int]
    expires_at: Mapped[float] = mapped_column(Float, index=True)
