"""Periods in years, months, weeks and days, counted as the Civil Code counts them (arts. 200–204).

An ISO duration with date parts only (``P3M``, ``P1Y2M``, ``P10D``) is such a period. The
day it starts is not counted; a period of months or years ends on the corresponding day of
its last month, or on that month's last day when the month is shorter (31 January + 1 month
= 28/29 February); days and weeks are added after the months. The caller ends the period at
24:00 of its last day and, for a time limit, moves a last day that is a day off to the next
working day (``WorkingCalendar.working_day_from``). Durations with a time part (``PT24H``)
are exact and not handled here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

_DATE_ONLY = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$", re.I)
VALIDITY_READINGS = ("day_before", "corresponding_day")


@dataclass(frozen=True)
class Period:
    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0


def parse_period(spec: str) -> Period | None:
    """The calendar period ``spec`` names, or None when it is not a whole date-only duration."""
    match = _DATE_ONLY.match((spec or "").strip())
    if match is None or not any(match.groups()):
        return None
    return Period(*(int(part or 0) for part in match.groups()))


def last_day(start: date, period: Period) -> date:
    """The last day of ``period`` counted from the day after ``start``."""
    return start + relativedelta(
        years=period.years, months=period.months, weeks=period.weeks, days=period.days
    )


def valid_until(issued_on: date, period: Period, reading: str = "day_before") -> date:
    """The last day of validity of a document issued on ``issued_on`` for ``period``.

    ``day_before`` (as certificates state it): the issue day is the first day, so a six-year
    certificate of 1 December 2026 is valid to 30 November 2032. ``corresponding_day``: the
    Civil Code count from the issue day, to 1 December 2032. Validity is never moved off a
    day off.
    """
    if reading == "day_before":
        return last_day(issued_on - timedelta(days=1), period)
    if reading == "corresponding_day":
        return last_day(issued_on, period)
    raise ValueError(f"unknown validity reading '{reading}' (use {' or '.join(VALIDITY_READINGS)})")
