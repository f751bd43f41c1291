"""Automatic approval (自动审批) per step, by the BPMN property ``autoApprove``: a new task
completes by itself, never silently (``task_auto_approved`` with the rule in the history),
when the person who would do it started the case (``initiator``), approved the step before
(``same_as_previous``), or when nobody active can do it (``no_approver``).

Who would do it: the task's assignee (the absent user, for a substitute's task), else the one
active member of its candidate groups when there is exactly one.
"""

from __future__ import annotations

from uuid import UUID

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from workflows.engine import runtime
from workflows.engine.projection import meta
from workflows.engine.step_properties import AUTO_APPROVE, names
from workflows.persistence import audit
from workflows.persistence.models import AuditEvent, Task, User
from workflows.users import SYSTEM

_NEW = "auto_approval_candidates"


def note_new_task(uow, row, task_row, now) -> None:
    """A new task hook: remember the task, to be looked at once the case is saved."""
    uow.info.setdefault(_NEW, {}).setdefault(row.id, []).append(task_row.id)


def approve_automatically(config, uow, row, workflow, actor) -> None:
    """An after-save hook: complete the first new task its rules skip, and run the case on
    (whose save comes back here for the rest)."""
    waiting = uow.info.get(_NEW, {}).pop(row.id, [])
    while waiting and row.status == "running":
        task_id = waiting.pop(0)
        spiff_task = workflow.get_task_from_id(UUID(task_id))
        rules = (
            names(meta(spiff_task.task_spec).get("properties", {}).get(AUTO_APPROVE)) if spiff_task else []
        )
        task_row = uow.session.get(Task, task_id)
        if not rules or spiff_task.state != TaskState.READY or task_row.state != "ready":
            continue
        reason, person = _reason(uow, row, task_row, rules)
        if reason is None:
            continue
        uow.info.setdefault(_NEW, {}).setdefault(row.id, []).extend(waiting)
        _approve(config, uow, row, workflow, task_row, spiff_task, reason, person)
        return


def _reason(uow, row, task_row: Task, rules: list[str]) -> tuple[str | None, str | None]:
    person = task_row.on_behalf_of or task_row.assignee
    candidates = _active_members(uow, task_row.candidate_groups) if person is None else []
    if person is None and len(candidates) == 1:
        person = candidates[0]
    if "initiator" in rules and person is not None and person == row.started_by:
        return "initiator", person
    if "same_as_previous" in rules and person is not None and person == _previous_approver(uow, row):
        return "same_as_previous", person
    if "no_approver" in rules and (
        (task_row.assignee is None and not candidates) or (task_row.assignee and not _is_active(uow, person))
    ):
        return "no_approver", None
    return None, person


def _approve(config, uow, row, workflow, task_row: Task, spiff_task, reason: str, person) -> None:
    now = config.clock.now()
    task_row.state, task_row.completed_at, task_row.completed_by = "completed", now, SYSTEM.name
    task_row.submitted_data = {}
    audit.record(
        uow,
        SYSTEM,
        "task_auto_approved",
        now,
        row,
        task_row.id,
        element_id=task_row.bpmn_id,
        reason=reason,
        would_be=person,
    )

    def step():
        spiff_task.run()
        return spiff_task

    runtime.run(config, uow, row, workflow, SYSTEM, step=step)
    runtime.save(config, uow, row, workflow, SYSTEM)


def _previous_approver(uow, row) -> str | None:
    return uow.session.scalar(
        select(AuditEvent.actor)
        .where(AuditEvent.instance_id == row.id, AuditEvent.action == "task_completed")
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )


def _active_members(uow, groups: list[str]) -> list[str]:
    if not groups:
        return []
    users = uow.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name))
    return [u.name for u in users if set(u.groups or []) & set(groups)]


def _is_active(uow, name: str | None) -> bool:
    return bool(name) and bool(uow.session.scalar(select(User.active).where(User.name == name)))
