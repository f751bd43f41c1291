"""Time for the engine. The clock is injected so tests move time instead of sleeping.

Moments are stored in UTC and shown in Beijing time: RFC 3339 with the fixed China Standard
Time offset ``+08:00`` (China has no daylight saving time since 1991; a fixed offset also never
yields the ``+08:05:43`` local mean time a time-zone database gives before 1901).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

BUREAU_TZ = timezone(timedelta(hours=8), "CST")
# Dates and date-times accepted as input (Beijing dates, both ends included).
FIRST_SUPPORTED_DAY, LAST_SUPPORTED_DAY = date(1970, 1, 1), date(2199, 12, 31)


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


def format_moment(moment: datetime) -> str:
    """The one way the engine and the API write a moment: ``2026-03-02T09:00:00+08:00``
    (fractional seconds only when there are some)."""
    if moment.tzinfo is None:
        raise ValueError("format_moment needs an aware datetime")
    return moment.astimezone(BUREAU_TZ).isoformat()


def outside_supported_range(value: date) -> str | None:
    """Why a date or moment given as input is refused, or None (Beijing dates 1970 to 2199)."""
    inside = FIRST_SUPPORTED_DAY.year <= value.year <= LAST_SUPPORTED_DAY.year
    if inside and isinstance(value, datetime):
        value = value.astimezone(BUREAU_TZ).date()
    if inside and FIRST_SUPPORTED_DAY <= value <= LAST_SUPPORTED_DAY:
        return None
    return f"outside the supported range {FIRST_SUPPORTED_DAY} to {LAST_SUPPORTED_DAY}"
