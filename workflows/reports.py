"""The case report: how many cases each process has by status, current step and oversight
level (提醒/预警/报警), over the cases the reader may read."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select

from workflows.access import bound_institution
from workflows.errors import NotPermitted
from workflows.instances import readable_keys
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import OPEN_TASK_STATES, ProcessDefinition, ProcessInstance, Task

LEVELS = ("normal", "reminder", "warning", "alarm")


@dataclass(frozen=True)
class ReportRow:
    process_key: str
    process_name: str
    status: str
    step: str | None
    step_name: str | None
    level: str | None
    cases: int


def case_report(config, actor, process_key: str | None = None) -> list[ReportRow]:
    """One row per (process, status, step, level): a case with two open tasks counts at both
    steps; a case without an open task counts once, with no step and no level."""
    if bound_institution(actor) is not None:
        raise NotPermitted("the case report is for bureau staff")
    now = config.clock.now()
    with UnitOfWork(config.sessions) as uow:
        cases = select(ProcessInstance.id, ProcessInstance.process_key, ProcessInstance.status)
        keys = readable_keys(uow, actor)
        if keys is not None:
            cases = cases.where(ProcessInstance.process_key.in_(keys))
        if process_key:
            cases = cases.where(ProcessInstance.process_key == process_key)
        rows = uow.session.execute(cases).all()
        tasks: dict[str, list[Task]] = {}
        open_tasks = select(Task).where(
            Task.state.in_(OPEN_TASK_STATES), Task.instance_id.in_([r.id for r in rows])
        )
        for task in uow.session.scalars(open_tasks):
            tasks.setdefault(task.instance_id, []).append(task)
        counts: Counter = Counter()
        for case_id, key, status in rows:
            steps = {(t.bpmn_id, t.name, t.oversight(now)[0]) for t in tasks.get(case_id, [])}
            for step, name, level in steps or {(None, None, None)}:
                counts[(key, status, step, name, level)] += 1
        names = dict(uow.session.execute(select(ProcessDefinition.key, ProcessDefinition.name)).all())
    return [
        ReportRow(key, names.get(key) or key, status, step, name, level, n)
        for (key, status, step, name, level), n in sorted(counts.items(), key=_order)
    ]


def _order(item):
    (key, status, step, _name, level), _n = item
    return key, status, step or "", LEVELS.index(level) if level else -1
