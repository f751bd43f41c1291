"""Time for the engine. The clock is injected so tests move time instead of sleeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

BUREAU_TZ = ZoneInfo("Asia/Shanghai")


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to (tests, simulations)."""

    def __init__(self, start: datetime):
        if start.tzinfo is None:
            start = start.replace(tzinfo=BUREAU_TZ)
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=BUREAU_TZ)
        self._now = moment.astimezone(UTC)

    def advance(self, **delta) -> None:
        self._now += timedelta(**delta)


def parse_moment(value: str | datetime) -> datetime:
    """An ISO date-time; naive values are read in the bureau's time zone."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BUREAU_TZ)
    return moment.astimezone(UTC)
