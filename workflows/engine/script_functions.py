"""Functions BPMN scripts, conditions and timer expressions may call.

The working-day functions note when a computation ran past the calendar data the bureau
has loaded, so the case can be flagged and recomputed once the data arrives.
"""

from __future__ import annotations

from datetime import date, datetime

from workflows.clock import BUREAU_TZ, parse_moment
from workflows.deadlines import limits as deadlines
from workflows.deadlines.calendar import WorkingCalendar, end_of_day, local_day
from workflows.deadlines.periods import parse_period, valid_until


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class ScriptFunctions:
    """The engine's functions for one unit of work; ``incomplete`` counts inexact results."""

    def __init__(self, engine, calendar: WorkingCalendar, thresholds=(0.5, 0.8), validity_end="day_before"):
        self.engine, self.calendar, self.thresholds = engine, calendar, thresholds
        self.validity_end = validity_end
        self.incomplete = 0

    def _now(self) -> datetime:
        return self.engine.clock.now().astimezone(BUREAU_TZ)

    def _start(self, start) -> datetime:
        if start is None:
            return self._now()
        if isinstance(start, date) and not isinstance(start, datetime):
            return datetime.combine(start, datetime.min.time(), BUREAU_TZ)
        return parse_moment(start).astimezone(BUREAU_TZ)

    def _note(self, complete: bool) -> None:
        self.incomplete += not complete

    def add_working_days(self, start, n: int) -> datetime:
        """End (23:59:59) of the n-th working day after the day of ``start``."""
        counted = self.calendar.add_working_days(self._start(start), n)
        self._note(counted.complete)
        return end_of_day(counted.day)

    def is_working_day(self, day) -> bool:
        day = self._start(day).date()
        self._note(self.calendar.knows(day.year))
        return self.calendar.is_working_day(day)

    def working_days_between(self, a, b) -> int:
        return self.calendar.working_days_between(self._start(a), self._start(b))

    def _deadline(self, spec: str, start):
        result = deadlines.compute(self.calendar, spec, self._start(start), self.thresholds)
        self._note(result.complete)
        return result

    def deadline_at(self, spec: str, start=None) -> datetime:
        """When a limit such as ``5WD`` runs out, counted from ``start`` (default: now)."""
        return self._deadline(spec, start).due_at

    def warning_at(self, spec: str, start=None) -> datetime:
        """When a limit reaches the warning level (预警)."""
        return self._deadline(spec, start).warn_at

    def reminder_at(self, spec: str, start=None) -> datetime:
        """When a limit reaches the reminder level (提醒)."""
        return self._deadline(spec, start).remind_at

    def valid_until(self, issued_on, spec: str = "P6Y") -> date:
        """Last day of validity of a document issued on ``issued_on`` for the period ``spec``
        (``P6Y``), read as the bureau's setting says (``periods.valid_until``)."""
        period = parse_period(spec)
        if period is None:
            raise ValueError(f"'{spec}' is not a period of years, months, weeks or days (e.g. P6Y)")
        return valid_until(local_day(self._start(issued_on)), period, self.validity_end)

    def as_dict(self) -> dict:
        return {
            "now": self._now,
            "today": lambda: self._now().date(),
            "add_years": add_years,
            "valid_until": self.valid_until,
            "add_working_days": self.add_working_days,
            "is_working_day": self.is_working_day,
            "working_days_between": self.working_days_between,
            "deadline_at": self.deadline_at,
            "warning_at": self.warning_at,
            "reminder_at": self.reminder_at,
        }
