"""Statutory working days (法定工作日): weekends and public holidays off, make-up days (调休) on.

Years the ``chinese_calendar`` library knows come from it; the bureau loads later years
(the State Council publishes each November) as overrides, which also take precedence over
the library. Beyond known data a computation falls back to Monday-Friday and says so
(``complete=False``) instead of silently pretending to be exact.

Day boundaries are Asia/Shanghai; the day the clock starts is not counted
(期间开始之日不计算在内), and a deadline ends at the end of its last day.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import chinese_calendar
from sqlalchemy import select

from workflows.clock import BUREAU_TZ
from workflows.persistence.models import CalendarYear, Sequence

_END_OF_DAY = time(23, 59, 59, 999999)


@dataclass(frozen=True)
class YearSchedule:
    holidays: frozenset[date]
    workdays: frozenset[date]


@dataclass(frozen=True)
class DayCount:
    """A computed day and whether every year it crossed was known."""

    day: date
    complete: bool


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, _END_OF_DAY, BUREAU_TZ)


def local_day(moment: datetime | date) -> date:
    return moment.astimezone(BUREAU_TZ).date() if isinstance(moment, datetime) else moment


class WorkingCalendar:
    def __init__(self, overrides: dict[int, YearSchedule] | None = None):
        self.overrides = dict(overrides or {})

    def knows(self, year: int) -> bool:
        return year in self.overrides or _library_knows(year)

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day; unknown years count Monday to Friday."""
        schedule = self.overrides.get(day.year)
        if schedule is not None:
            if day in schedule.workdays:
                return True
            return day.weekday() < 5 and day not in schedule.holidays
        if _library_knows(day.year):
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5

    def add_working_days(self, start: datetime | date, n: int) -> DayCount:
        """The n-th working day after the day of ``start`` (that day itself not counted)."""
        day, complete, counted = local_day(start), True, 0
        while counted < n:
            day += timedelta(days=1)
            complete = complete and self.knows(day.year)
            if self.is_working_day(day):
                counted += 1
        return DayCount(day, complete)

    def add_days(self, start: datetime | date, n: int) -> DayCount:
        """n calendar days; a period ending on a day off ends on the next working day."""
        return self.working_day_from(local_day(start) + timedelta(days=n))

    def working_day_from(self, day: date) -> DayCount:
        """``day`` if it is a working day, else the next one: the last day of a period that
        falls on a day off (法定休假日, weekends included) moves past it (Civil Code art. 203)."""
        complete = self.knows(day.year)
        while not self.is_working_day(day):
            day += timedelta(days=1)
            complete = complete and self.knows(day.year)
        return DayCount(day, complete)

    def working_days_between(self, a: datetime | date, b: datetime | date) -> int:
        """Working days after the day of ``a`` up to and including the day of ``b``."""
        first, last = local_day(a), local_day(b)
        count, day = 0, first
        while day < last:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count


def _library_knows(year: int) -> bool:
    return year in _LIBRARY_YEARS


_LIBRARY_YEARS = {d.year for d in chinese_calendar.constants.holidays}


_CACHE: dict = {"version": None, "calendar": None}
_CACHE_LOCK = threading.Lock()
VERSION_SEQUENCE = "calendar"


def current_calendar(session) -> WorkingCalendar:
    """The calendar with the bureau's overrides, rebuilt only when an override was loaded."""
    version = session.scalar(select(Sequence.value).where(Sequence.name == VERSION_SEQUENCE))
    with _CACHE_LOCK:
        if _CACHE["calendar"] is not None and _CACHE["version"] == version:
            return _CACHE["calendar"]
    calendar = WorkingCalendar({row.year: _schedule(row) for row in session.scalars(select(CalendarYear))})
    with _CACHE_LOCK:
        _CACHE.update(version=version, calendar=calendar)
    return calendar


def _schedule(row: CalendarYear) -> YearSchedule:
    holidays = {date.fromisoformat(d) for days in row.holidays.values() for d in days}
    return YearSchedule(frozenset(holidays), frozenset(date.fromisoformat(d) for d in row.workdays))
