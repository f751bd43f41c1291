"""Time limits: parsing ``5WD``/``3D``/ISO durations, due dates, oversight levels, clock pauses.

A limit is written on a task (property ``deadline``) or a process (``statutoryLimit``):
``5WD`` statutory working days, ``3D`` calendar days (a period ending on a day off runs to
the next working day), an ISO 8601 period of years, months, weeks or days (``P3M``, ``P6Y``:
counted as the Civil Code counts them, see ``periods``, ending at 24:00 of a working day), or
an exact ISO duration with a time part (``PT24H``). Oversight levels
(电子监察) are reminder (提醒), warning (预警) and alarm (报警, overdue); the moments they
start are stored with the task so worklists can filter on them in SQL.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from workflows.clock import BUREAU_TZ, parse_moment
from workflows.deadlines.calendar import DayCount, WorkingCalendar, end_of_day, local_day
from workflows.deadlines.periods import last_day, parse_period
from workflows.errors import InvalidInput

_DAYS = re.compile(r"^\s*(\d{1,4})\s*(WD|D)\s*$", re.I)
LEVELS = ("normal", "reminder", "warning", "alarm")


@dataclass(frozen=True)
class Deadline:
    spec: str
    started_at: datetime
    due_at: datetime
    remind_at: datetime
    warn_at: datetime
    complete: bool


def check_spec(spec: str) -> None:
    """Raise ``InvalidInput`` unless ``spec`` is a limit this module understands."""
    if _DAYS.match(spec or ""):
        return
    text = (spec or "").strip()
    try:
        valid = text.upper().startswith("P") and bool(TimerEventDefinition.parse_iso_duration(text))
    except Exception:
        valid = False
    if not valid:
        raise InvalidInput(f"'{spec}' is not a time limit (use 5WD, 3D or an ISO duration like PT24H)")


def compute(calendar: WorkingCalendar, spec: str, start: datetime, thresholds=(0.5, 0.8)) -> Deadline:
    """The due moment of ``spec`` counted from ``start``, with the oversight thresholds."""
    match = _DAYS.match(spec)
    if match and match.group(2).upper() == "WD":
        n = int(match.group(1))
        due = calendar.add_working_days(start, n)
        remind, warn = (_working_share(calendar, start, n, share) for share in thresholds)
        return Deadline(spec, start, end_of_day(due.day).astimezone(start.tzinfo), remind, warn, due.complete)
    counted = _calendar_days(calendar, spec, match, start)
    if counted is not None:
        due_at, complete = end_of_day(counted.day), counted.complete
    else:
        parsed = TimerEventDefinition.parse_iso_duration(spec.strip())
        due_at, complete = start + TimerEventDefinition.get_timedelta_from_start(parsed, start), True
    remind, warn = (start + (due_at - start) * share for share in thresholds)
    return Deadline(spec, start, due_at.astimezone(start.tzinfo), remind, warn, complete)


def _calendar_days(calendar: WorkingCalendar, spec: str, match, start: datetime) -> DayCount | None:
    """The last day of a ``3D`` or Civil Code period (``P3M``); None for an exact duration."""
    if match:
        return calendar.add_days(start, int(match.group(1)))
    period = parse_period(spec)
    if period is None:
        return None
    return calendar.working_day_from(last_day(local_day(start), period))


def _working_share(calendar: WorkingCalendar, start: datetime, n: int, share: float) -> datetime:
    """The moment ``share`` of n working days has passed (e.g. noon of day 3 for 50% of 5)."""
    position = share * n
    whole = max(1, math.ceil(position))
    day = calendar.add_working_days(start, whole).day
    fraction = position - (whole - 1)
    begin = datetime.combine(day, datetime.min.time(), BUREAU_TZ)
    moment = begin + timedelta(days=1) * min(max(fraction, 0.0), 1.0)
    return min(moment, end_of_day(day)).astimezone(start.tzinfo)


def clock_start(value, default: datetime) -> datetime:
    """The moment a clock starts: a task variable (ISO string or datetime), else ``default``."""
    if value in (None, ""):
        return default
    return parse_moment(value)


def paused_working_days(calendar: WorkingCalendar, pauses: list[dict], now: datetime) -> int:
    """Working days the statutory clock stood still; overlapping pauses count once."""
    intervals = sorted(
        (parse_moment(p["from"]), parse_moment(p["to"]) if p.get("to") else now) for p in pauses
    )
    merged: list[list[datetime]] = []
    for start, end in intervals:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return sum(calendar.working_days_between(start, end) for start, end in merged)


def statutory_due(calendar: WorkingCalendar, spec: str, started_at: datetime, pauses: list, now: datetime):
    """The case's statutory due date, moved on by the working days it was paused."""
    match = _DAYS.match(spec)
    if not match or match.group(2).upper() != "WD":
        return compute(calendar, spec, started_at)
    n = int(match.group(1)) + paused_working_days(calendar, pauses, now)
    return compute(calendar, f"{n}WD", started_at)
