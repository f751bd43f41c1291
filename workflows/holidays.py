"""Loading the State Council's holiday schedules (放假调休安排) and recomputing affected dates.

A schedule file is JSON, one year or a list of years:
``{"year": 2027, "source": "国办发明电〔2026〕…号", "holidays": {"春节": ["2027-02-06", ...]},
"workdays": ["2027-02-14", ...]}``; every date belongs to the schedule's year. Loading it
(also replacing a year loaded before, or overriding a year the library knows) recomputes
every open due date, statutory clock and timer it moves (``recomputation``).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from workflows.access import may_load_holidays, may_see_calendar_flags
from workflows.deadlines.calendar import VERSION_SEQUENCE, current_calendar, end_of_day
from workflows.engine.recomputation import changed_days, recompute_affected
from workflows.engine.services import next_sequence_value
from workflows.errors import FieldError, InvalidInput, NotPermitted
from workflows.persistence import audit
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import OPEN_TASK_STATES, CalendarYear, ProcessInstance, Task


def load_year(config, actor, year: int, document: dict) -> dict:
    """Store one year's schedule, sent as the file holds it (its ``year`` is the ``year`` given)."""
    _check_permitted(actor)
    return _load(config, actor, [_validated(document, "", expected_year=year)], "api")


def load_schedules(config, actor, documents: list[dict], origin: str = "cli") -> dict:
    """Store the given years (replacing earlier data for them) and recompute what they affect."""
    _check_permitted(actor)
    return _load(config, actor, [_validated(doc, f"/{i}") for i, doc in enumerate(documents)], origin)


def _check_permitted(actor) -> None:
    if not may_load_holidays(actor):
        raise NotPermitted("only administrators load holiday schedules")


def _load(config, actor, schedules: list[dict], origin: str) -> dict:
    with UnitOfWork(config.sessions) as uow:
        now, before = config.clock.now(), current_calendar(uow.session)
        for schedule in schedules:
            row = uow.session.get(CalendarYear, schedule["year"]) or CalendarYear(year=schedule["year"])
            row.holidays, row.workdays, row.source = (
                schedule["holidays"],
                schedule["workdays"],
                schedule["source"],
            )
            row.loaded_at, row.loaded_by = now, actor.name
            uow.session.add(row)
        next_sequence_value(uow.session, VERSION_SEQUENCE)
        uow.flush()
        after, changed = current_calendar(uow.session), []
        for schedule in schedules:
            days = changed_days(before, after, schedule["year"])
            changed += days
            loaded = {"year": schedule["year"], "source": schedule["source"], "origin": origin}
            audit.record(
                uow, actor, "calendar_loaded", now, **loaded, changed_days=[d.isoformat() for d in days]
            )
        recomputed = recompute_affected(config, uow, actor, changed)
        uow.commit()
    return {"years": [s["year"] for s in schedules], **recomputed}


def _validated(doc, pointer: str, expected_year: int | None = None) -> dict:
    if not isinstance(doc, dict):
        raise InvalidInput("a schedule must be a JSON object", errors=[FieldError(pointer, "not an object")])
    errors, year = [], doc.get("year")
    if expected_year is not None and year != expected_year:
        errors.append(
            FieldError(f"{pointer}/year", f"the schedule's year must be {expected_year}, as in the address")
        )
        year = expected_year
    elif not isinstance(year, int) or not 2000 <= year <= 2100:
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
        errors += _check_days(days, year, f"{pointer}/holidays/{name}")
    errors += _check_days(
        workdays, year, f"{pointer}/workdays", off={d for v in holidays.values() for d in v}
    )
    if errors:
        raise InvalidInput(f"the schedule is invalid: {', '.join(e.pointer for e in errors)}", errors=errors)
    source = str(doc.get("source") or "").strip() or "bureau override"
    return {"year": year, "holidays": holidays, "workdays": workdays, "source": source}


def _check_days(days, year, pointer: str, off: set | None = None) -> list[FieldError]:
    """Dates of ``year``; make-up working days (``off`` given) fall on weekends and are no holidays."""
    errors = []
    for i, value in enumerate(days):
        try:
            day = date.fromisoformat(value)
        except (TypeError, ValueError):
            errors.append(FieldError(f"{pointer}/{i}", f"'{value}' is not a date (YYYY-MM-DD)"))
            continue
        if year is not None and day.year != year:
            errors.append(
                FieldError(f"{pointer}/{i}", f"{value} is not in {year}, the year of this schedule")
            )
        elif off is not None and day.weekday() < 5:
            errors.append(
                FieldError(f"{pointer}/{i}", f"{value} is a weekday; make-up days (调休) fall on weekends")
            )
        elif off is not None and value in off:
            errors.append(
                FieldError(f"{pointer}/{i}", f"{value} is listed as a holiday and as a working day")
            )
    return errors


def list_years(config) -> list[CalendarYear]:
    with UnitOfWork(config.sessions) as uow:
        return list(uow.session.scalars(select(CalendarYear).order_by(CalendarYear.year)))


def flagged(config, actor) -> tuple[list[Task], list[ProcessInstance]]:
    """Open tasks and cases whose dates reach a year without holiday data."""
    if not may_see_calendar_flags(actor):
        raise NotPermitted("only administrators and supervisors see this list")
    with UnitOfWork(config.sessions) as uow:
        tasks = uow.session.scalars(
            select(Task).where(Task.state.in_(OPEN_TASK_STATES), Task.calendar_incomplete.is_(True))
        ).all()
        instances = uow.session.scalars(
            select(ProcessInstance).where(ProcessInstance.calendar_incomplete.is_(True))
        ).all()
        return list(tasks), list(instances)


def working_day_deadline(config, start, days: int) -> dict:
    """The due moment ``days`` working days after ``start`` (default: now), with completeness."""
    with UnitOfWork(config.sessions) as uow:
        calendar = current_calendar(uow.session)
    counted = calendar.add_working_days(start or config.clock.now(), days)
    return {"day": counted.day, "due_at": end_of_day(counted.day), "complete": counted.complete}
