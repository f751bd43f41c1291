"""The workbench's lists (待办, 已办, 我发起的): one page at a time, by keyset.

Each list orders by one sort key and the row id, and a page continues after the last row
of the previous one (``after``, an opaque cursor), so deep pages cost what the first does.
Rows come with what the list shows of their case (business key, applicant) in the same
query: no query per row.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, func, literal, or_, select

from workflows.access import applicant_task, bound_institution, may_oversee_tasks
from workflows.errors import FieldError, InvalidInput, NotPermitted
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import ProcessInstance, Task
from workflows.persistence.models.types import UTCDateTime
from workflows.tasks import open_tasks

# The party a case is about, as the lists show it: the first of these case variables (an
# object) that has the field named here: the applicant's name, else the suspect's.
PARTY_FIELDS = {"applicant": "name", "suspect": "name"}
PARTY = func.coalesce(
    *(ProcessInstance.variables[(variable, name)].as_string() for variable, name in PARTY_FIELDS.items())
)
_NEVER = datetime(9999, 12, 31, tzinfo=UTC)
# Sort orders of the inbox: key expression, descending.
INBOX_SORTS = {
    "due": (func.coalesce(Task.due_at, literal(_NEVER, UTCDateTime())), False),
    "received": (Task.created_at, True),
    "received_asc": (Task.created_at, False),
    "case": (func.coalesce(Task.business_key, ""), False),
}


@dataclass
class Row:
    """A task or case of a list with its case's party (applicant)."""

    item: object
    party: str | None


@dataclass
class Page:
    rows: list[Row]
    total: int
    next: str | None


def inbox(config, actor, filters: dict, sort: str, after: str | None, limit: int) -> Page:
    """The open tasks ``actor`` may work on (``tasks.open_tasks`` with its filters), plus
    ``q``: part of the case number or the applicant's name; sorted by ``INBOX_SORTS``."""
    now = config.clock.now()
    base = open_tasks(actor, filters, now).join(ProcessInstance, ProcessInstance.id == Task.instance_id)
    if filters.get("q"):
        pattern = f"%{filters['q']}%"
        base = base.where(or_(Task.business_key.ilike(pattern), PARTY.ilike(pattern)))
    key, descending = INBOX_SORTS.get(sort, INBOX_SORTS["due"])
    with UnitOfWork(config.sessions) as uow:
        total = uow.session.scalar(select(func.count()).select_from(base.subquery()))
        stmt = base.add_columns(PARTY, key.label("sort_key"))
        rows, cursor = _keyset_page(uow, stmt, key, Task.id, descending, after, limit)
    shown = [_shown(task, actor, now) for task, _, _ in rows]
    return Page([Row(t, party) for t, (_, party, _) in zip(shown, rows, strict=True)], total, cursor)


def overdue_tasks(config, actor, level: str, limit: int) -> Page:
    """Every open task of the bureau at ``level`` (``alarm``: overdue, ``warning``), due first:
    the supervisors' list (督办)."""
    if not may_oversee_tasks(actor):
        raise NotPermitted("only supervisors and administrators oversee every task")
    return inbox(config, actor, {"level": level}, "due", None, limit)


def _shown(task: Task, actor, now):
    task.with_oversight(now)
    return applicant_task(task, actor) if bound_institution(actor) is not None else task


def inbox_steps(config, actor) -> list[tuple[str, str, str]]:
    """The (process, element, name) of the steps ``actor``'s open tasks are at: the step filter."""
    stmt = open_tasks(actor, {}, config.clock.now()).subquery()
    with UnitOfWork(config.sessions) as uow:
        rows = uow.session.execute(
            select(stmt.c.process_key, stmt.c.bpmn_id, stmt.c.name).distinct().order_by(stmt.c.process_key)
        )
        return [tuple(r) for r in rows]


def done_tasks(config, actor, after: str | None, limit: int) -> Page:
    """Tasks ``actor`` completed (已办), the latest first."""
    stmt = (
        select(Task, PARTY, Task.completed_at)
        .join(ProcessInstance, ProcessInstance.id == Task.instance_id)
        .where(Task.completed_by == actor.name, Task.state == "completed")
    )
    with UnitOfWork(config.sessions) as uow:
        total = uow.session.scalar(select(func.count()).select_from(stmt.subquery()))
        rows, cursor = _keyset_page(uow, stmt, Task.completed_at, Task.id, True, after, limit)
    return Page([Row(task, party) for task, party, _ in rows], total, cursor)


def started_cases(config, actor, after: str | None, limit: int) -> Page:
    """Cases ``actor`` started (我发起的), the latest first, each with its open tasks."""
    stmt = select(ProcessInstance, PARTY, ProcessInstance.started_at).where(
        ProcessInstance.started_by == actor.name
    )
    if (code := bound_institution(actor)) is not None:
        stmt = stmt.where(ProcessInstance.applicant_code == code)
    with UnitOfWork(config.sessions) as uow:
        total = uow.session.scalar(select(func.count()).select_from(stmt.subquery()))
        rows, cursor = _keyset_page(
            uow, stmt, ProcessInstance.started_at, ProcessInstance.id, True, after, limit
        )
        steps = _open_steps(uow, [case.id for case, _, _ in rows])
    return Page([Row((case, steps.get(case.id, [])), party) for case, party, _ in rows], total, cursor)


def _open_steps(uow, instance_ids: list[str]) -> dict[str, list[str]]:
    steps: dict[str, list[str]] = {}
    if instance_ids:
        rows = uow.session.execute(
            select(Task.instance_id, Task.name)
            .where(Task.instance_id.in_(instance_ids), Task.state == "ready")
            .order_by(Task.created_at)
        )
        for instance_id, name in rows:
            steps.setdefault(instance_id, []).append(name)
    return steps


def _keyset_page(uow, stmt, key, row_id, descending: bool, after: str | None, limit: int):
    """Up to ``limit`` rows after the cursor ``after``, and the cursor of the next page (or None).
    The statement's last column is the sort key's value."""
    if after:
        value, last_id = _decode(after)
        beyond = (key < value) if descending else (key > value)
        further = (row_id < last_id) if descending else (row_id > last_id)
        stmt = stmt.where(or_(beyond, and_(key == value, further)))
    order = (key.desc(), row_id.desc()) if descending else (key.asc(), row_id.asc())
    rows = uow.session.execute(stmt.order_by(*order).limit(limit + 1)).all()
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    return rows, _encode(last[-1], _id_of(last[0]))


def _id_of(item) -> str:
    return item.id


def _encode(value, last_id) -> str:
    tagged = ["t", value.isoformat()] if isinstance(value, datetime) else ["s", value]
    raw = json.dumps([tagged, last_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str):
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        (tag, value), last_id = json.loads(raw)
        return (datetime.fromisoformat(value) if tag == "t" else value), last_id
    except (ValueError, TypeError) as exc:
        message = "not a cursor this list gave"
        raise InvalidInput(f"invalid page cursor: {message}", [FieldError("/after", message)]) from exc
