"""Recomputing the dates a change of the working-day calendar moves, in the loader's transaction.

A date is computed by walking the days after its clock started up to the date itself: a
task's due date and oversight levels, a timer's moment, a statutory due date (whose pauses
run up to now). It can only move when a day of that walk changed between working day and
day off, or when it was computed without holiday data (flag ``calendar_incomplete``); only
those are recomputed, and every case concerned gets a ``dates_recomputed`` audit event.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, or_, select, true

from workflows.clock import BUREAU_TZ, format_moment, parse_moment
from workflows.deadlines.calendar import WorkingCalendar, current_calendar
from workflows.engine import projection, runtime, spiff_compat, timers
from workflows.persistence import audit
from workflows.persistence.models import ACTIVE_STATUSES, OPEN_TASK_STATES, Job, ProcessInstance, Task


def changed_days(before: WorkingCalendar, after: WorkingCalendar, year: int) -> list[date]:
    """The days of ``year`` that are working days in one calendar and days off in the other."""
    day, changed = date(year, 1, 1), []
    while day.year == year:
        if before.is_working_day(day) != after.is_working_day(day):
            changed.append(day)
        day += timedelta(days=1)
    return changed


def recompute_affected(config, uow, actor, changed: list[date]) -> dict:
    """Recompute the open dates whose walk crosses a changed day, and the flagged ones."""
    window = (_begin(min(changed)), _begin(max(changed))) if changed else None
    calendar, now = current_calendar(uow.session), config.clock.now()
    tasks = uow.session.scalars(_affected_tasks(window)).all()
    for task in tasks:
        projection.set_deadline(config, task, task.deadline, task.clock_started_at, calendar)
    uow.flush()
    recomputed: dict[str, dict] = {}
    for task in tasks:
        recomputed.setdefault(task.instance_id, {"tasks": [], "timers": 0})["tasks"].append(task.id)
    instance_ids = sorted(set(uow.session.scalars(_affected_instances(window, now))))
    for instance_id in instance_ids:
        row = runtime.lock_instance(uow, instance_id)
        workflow = runtime.open_workflow(config, uow, row)
        timer_count = sum(
            timers.recompute(t) for t in workflow.event_manager.tasks.values() if _timer_affected(t, window)
        )
        runtime.save(config, uow, row, workflow, actor)
        recomputed.setdefault(instance_id, {"tasks": [], "timers": 0})["timers"] = timer_count
    for instance_id, details in sorted(recomputed.items()):
        row = uow.session.get(ProcessInstance, instance_id)
        due = format_moment(row.statutory_due_at) if row.statutory_due_at else None
        audit.record(uow, actor, "dates_recomputed", now, row, **details, statutory_due_at=due)
    timer_total = sum(d["timers"] for d in recomputed.values())
    return {
        "tasks_recomputed": len(tasks),
        "instances_recomputed": len(instance_ids),
        "timers_recomputed": timer_total,
    }


def _begin(day: date) -> datetime:
    return datetime.combine(day, time.min, BUREAU_TZ)


def _affected_tasks(window):
    affected = Task.calendar_incomplete.is_(True)
    if window is not None:
        first, last = window
        affected = or_(affected, and_(Task.clock_started_at < last, Task.due_at >= first))
    return select(Task).where(Task.state.in_(OPEN_TASK_STATES), Task.deadline.is_not(None), affected)


def _affected_instances(window, now):
    """Cases flagged, with a running statutory clock that crosses the window, or with a timer in it."""
    flagged = select(ProcessInstance.id).where(ProcessInstance.calendar_incomplete.is_(True))
    if window is None:
        return flagged
    first, last = window
    reaches = true() if now >= first else ProcessInstance.statutory_due_at >= first
    clocks = select(ProcessInstance.id).where(
        ProcessInstance.status.in_(ACTIVE_STATUSES), ProcessInstance.statutory_started_at < last, reaches
    )
    waiting = select(Job.instance_id).where(
        Job.kind == "timer",
        Job.state.in_(("pending", "suspended")),
        Job.created_at < last,
        Job.due_at >= first,
    )
    return flagged.union(clocks, waiting)


def _timer_affected(task, window) -> bool:
    if spiff_compat.get_internal(task, "calendar_incomplete"):
        return True
    started, fire_at = spiff_compat.get_internal(task, "timer_started_at"), projection.timer_fire_moment(task)
    if window is None or started is None or fire_at is None:
        return False
    return parse_moment(started) < window[1] and fire_at >= window[0]
