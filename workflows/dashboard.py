"""The supervisors' dashboard (效能监察): where cases stand, how steps keep their time limits.

Figures over every process, each one grouped query: open tasks per process and step,
on-time rate and average days per step (completed tasks that had a time limit), and the
overdue tasks per district of the applying institution (from the institution registry).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import case, func, select

from workflows.access import may_oversee_tasks
from workflows.errors import NotPermitted
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import Institution, ProcessInstance, Task

_DAY_SECONDS = 86400.0


@dataclass
class Figure:
    """One bar: what it counts (process and step, or district) and its value."""

    label: str
    value: float
    process_key: str | None = None


@dataclass
class Dashboard:
    open_by_step: list[Figure]
    on_time_rate_by_step: list[Figure]
    average_days_by_step: list[Figure]
    overdue_by_district: list[Figure]


def dashboard(config, actor) -> Dashboard:
    if not may_oversee_tasks(actor):
        raise NotPermitted("only supervisors and administrators see the dashboard")
    now = config.clock.now()
    with UnitOfWork(config.sessions) as uow:
        return Dashboard(
            _open_by_step(uow),
            _on_time_rates(uow),
            _average_days(uow),
            _overdue_by_district(uow, now),
        )


def _open_by_step(uow) -> list[Figure]:
    rows = uow.session.execute(
        select(Task.process_key, Task.name, func.count())
        .where(Task.state == "ready")
        .group_by(Task.process_key, Task.name)
        .order_by(func.count().desc(), Task.process_key, Task.name)
    )
    return [Figure(name, count, key) for key, name, count in rows]


def _on_time_rates(uow) -> list[Figure]:
    on_time = func.sum(case((Task.completed_at <= Task.due_at, 1), else_=0))
    rows = uow.session.execute(
        select(Task.process_key, Task.name, on_time, func.count())
        .where(Task.state == "completed", Task.due_at.is_not(None))
        .group_by(Task.process_key, Task.name)
        .order_by(Task.process_key, Task.name)
    )
    return [Figure(name, round(100.0 * kept / total, 1), key) for key, name, kept, total in rows]


def _average_days(uow) -> list[Figure]:
    """Average days from a task's creation to its completion, per step (computed here: the
    databases differ in date arithmetic)."""
    spans: dict[tuple[str, str], list[float]] = defaultdict(list)
    rows = uow.session.execute(
        select(Task.process_key, Task.name, Task.created_at, Task.completed_at).where(
            Task.state == "completed", Task.completed_at.is_not(None)
        )
    )
    for key, name, created, completed in rows:
        spans[(key, name)].append((completed - created).total_seconds() / _DAY_SECONDS)
    return [Figure(name, round(sum(days) / len(days), 1), key) for (key, name), days in sorted(spans.items())]


def _overdue_by_district(uow, now) -> list[Figure]:
    district = func.coalesce(Institution.district, "")
    rows = uow.session.execute(
        select(district, func.count())
        .select_from(Task)
        .join(ProcessInstance, ProcessInstance.id == Task.instance_id)
        .outerjoin(Institution, Institution.credit_code == ProcessInstance.applicant_code)
        .where(Task.state == "ready", Task.due_at < now)
        .group_by(district)
        .order_by(func.count().desc())
    )
    return [Figure(name, count) for name, count in rows]
