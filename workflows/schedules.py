"""Loading the State Council's holiday schedules (放假调休安排) and recomputing affected dates.

A schedule file is JSON, one year or a list of years:
``{"year": 2027, "source": "国办发明电〔2026〕…号", "holidays": {"春节": ["2027-02-06", ...]},
"workdays": ["2027-02-14", ...]}``. Loading it recomputes every due date, statutory clock
and timer that was computed without data for a year it reached.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from . import audit, projection, runtime, timers
from .calendar import VERSION_SEQUENCE, current_calendar, end_of_day
from .database import UnitOfWork
from .errors import FieldError, InvalidInput, NotPermitted
from .models import OPEN_TASK_STATES, CalendarYear, ProcessInstance, Task
from .services import next_sequence_value


def load_schedules(config, actor, documents: list[dict], origin: str = "api") -> dict:
    """Store the given years (replacing earlier data for them) and recompute what they affect."""
    if not actor.is_admin and actor.kind != "system":
        raise NotPermitted("only administrators load holiday schedules")
    schedules = [_validated(doc, f"/{i}") for i, doc in enumerate(documents)]
    with UnitOfWork() as uow:
        now = config.clock.now()
        for schedule in schedules:
            row = uow.session.get(CalendarYear, schedule["year"]) or CalendarYear(year=schedule["year"])
            row.holidays, row.workdays, row.source = (
                schedule["holidays"],
                schedule["workdays"],
                schedule["source"],
            )
            row.loaded_at, row.loaded_by = now, actor.name
            uow.session.add(row)
            audit.record(uow, actor, "calendar_loaded", now, year=schedule["year"], source=schedule["source"],
                         origin=origin)  # fmt: skip
        next_sequence_value(uow.session, VERSION_SEQUENCE)
        uow.flush()
        recomputed = recompute_incomplete(config, uow, actor)
        uow.commit()
    return {"years": [s["year"] for s in schedules], **recomputed}


def _validated(doc, pointer: str) -> dict:
    errors = []
    if not isinstance(doc, dict):
        raise InvalidInput("a schedule must be a JSON object", errors=[FieldError(pointer, "not an object")])
    year = doc.get("year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors.append(FieldError(f"{pointer}/year", "a year between 2000 and 2100"))
        year = None
    holidays = doc.get("holidays")
    if not isinstance(holidays, dict) or not all(isinstance(v, list) for v in holidays.values()):
        errors.append(FieldError(f"{pointer}/holidays", "an object of holiday name -> list of dates"))
        holidays = {}
    workdays = doc.get("workdays", [])
    if not isinstance(workdays, list):
        errors.append(FieldError(f"{pointer}/workdays", "a list of dates"))
        workdays = []
    for name, days in holidays.items():
        errors += _check_days(days, year, f"{pointer}/holidays/{name}", weekend=None)
    errors += _check_days(workdays, year, f"{pointer}/workdays", weekend=True)
    if errors:
        raise InvalidInput(f"the schedule is invalid: {', '.join(e.pointer for e in errors)}", errors=errors)
    source = str(doc.get("source") or "").strip() or "bureau override"
    return {"year": year, "holidays": holidays, "workdays": workdays, "source": source}


def _check_days(days, year, pointer: str, weekend) -> list[FieldError]:
    errors = []
    for i, value in enumerate(days):
        try:
            day = date.fromisoformat(value)
        except (TypeError, ValueError):
            errors.append(FieldError(f"{pointer}/{i}", f"'{value}' is not a date (YYYY-MM-DD)"))
            continue
        if year is not None and abs(day.year - year) > 1:
            errors.append(FieldError(f"{pointer}/{i}", f"{value} is not near {year}"))
        if weekend and day.weekday() < 5:
            errors.append(
                FieldError(f"{pointer}/{i}", f"{value} is a weekday; make-up days (调休) fall on weekends")
            )
    return errors


def recompute_incomplete(config, uow, actor) -> dict:
    """Recompute flagged due dates with the calendar as it now stands (same transaction)."""
    calendar = current_calendar(uow.session)
    tasks = uow.session.scalars(
        select(Task).where(Task.state.in_(OPEN_TASK_STATES), Task.calendar_incomplete.is_(True))
    ).all()
    for task in tasks:
        projection.set_deadline(config, task, task.deadline, task.clock_started_at, calendar)
    uow.flush()
    instance_ids = uow.session.scalars(
        select(ProcessInstance.id).where(ProcessInstance.calendar_incomplete.is_(True))
    ).all()
    for instance_id in instance_ids:
        row = runtime.lock_instance(uow, instance_id)
        workflow = runtime.open_workflow(config, uow, row)
        for task in workflow.event_manager.tasks.values():
            if task._get_internal_data("calendar_incomplete"):
                timers.recompute(task)
        runtime.save(config, uow, row, workflow, actor)
    return {"tasks_recomputed": len(tasks), "instances_recomputed": len(instance_ids)}


def list_years() -> list[CalendarYear]:
    with UnitOfWork() as uow:
        return list(uow.session.scalars(select(CalendarYear).order_by(CalendarYear.year)))


def flagged(actor) -> tuple[list[Task], list[ProcessInstance]]:
    """Open tasks and cases whose dates reach a year without holiday data."""
    if not actor.is_admin and "supervisor" not in actor.groups:
        raise NotPermitted("only administrators and supervisors see this list")
    with UnitOfWork() as uow:
        tasks = uow.session.scalars(
            select(Task).where(Task.state.in_(OPEN_TASK_STATES), Task.calendar_incomplete.is_(True))
        ).all()
        instances = uow.session.scalars(
            select(ProcessInstance).where(ProcessInstance.calendar_incomplete.is_(True))
        ).all()
        return list(tasks), list(instances)


def working_day_deadline(config, start, days: int) -> dict:
    """The due moment ``days`` working days after ``start`` (default: now), with completeness."""
    with UnitOfWork() as uow:
        calendar = current_calendar(uow.session)
    counted = calendar.add_working_days(start or config.clock.now(), days)
    return {"day": counted.day, "due_at": end_of_day(counted.day), "complete": counted.complete}
