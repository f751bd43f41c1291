"""Return (退回/驳回) a task to an earlier step, and withdraw (撤回/拿回) one's own completed
step while nothing after it has been completed.

The engine work is ``workflows.engine.rewind``; this module checks who may do it, keeps the
worklist rows in step (the step comes back to whoever last did it, prefilled with their last
answers, due again from now) and records ``task_returned`` / ``task_withdrawn``.

The statutory clock (法定时限) is left as it is: a return does not restart it, not even a
return to the step that started it (受理); its pauses follow the open tasks as always.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from workflows.access import is_staff, may_work_on, operation_allowed
from workflows.engine import rewind, runtime
from workflows.errors import Conflict, FieldError, InvalidInput, NotFound, NotPermitted
from workflows.instances import InstanceView, instance_view, is_uuid
from workflows.persistence import audit
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import OPEN_TASK_STATES, ProcessInstance, Task


@dataclass
class ReturnTarget:
    """A step a task may be returned to: its element, name, and who last did it when."""

    element_id: str
    name: str
    task_id: str
    completed_by: str | None
    completed_at: datetime | None


@dataclass
class Outcome:
    """The task acted on, the tasks that are open again, and the case afterwards."""

    task: Task
    reopened: list[Task]
    instance: InstanceView


def return_targets(config, actor, task_id: str) -> list[ReturnTarget]:
    """The earlier steps ``task_id`` may be returned to, the latest first (the previous step,
    then back to the case's first user step)."""
    with UnitOfWork(config.sessions) as uow:
        task, _row, _workflow, spiff_task = _returnable(config, uow, actor, task_id, lock=False)
        return [_target(uow, step) for step in reversed(rewind.earlier_steps(spiff_task))]


def offered_return_targets(config, actor, task_id: str) -> list[ReturnTarget]:
    """The targets a page offers: none when the actor may not return the task."""
    try:
        return return_targets(config, actor, task_id)
    except (Conflict, NotPermitted, NotFound):
        return []


def return_task(config, actor, task_id: str, target: str, reason: str) -> Outcome:
    """Return the task to ``target`` (an element id, or the id of the task listed by
    ``return_targets``), for ``reason``; everything open after the target is cancelled."""
    reason = _required_reason(reason)
    with UnitOfWork(config.sessions) as uow:
        task, row, workflow, spiff_task = _returnable(config, uow, actor, task_id)
        step = _chosen_step(workflow, spiff_task, target)
        reopened, cancelled = _go_back(config, uow, actor, row, workflow, step)
        audit.record(
            uow,
            actor,
            "task_returned",
            config.clock.now(),
            row,
            task.id,
            element_id=task.bpmn_id,
            to_element_id=step.element_id,
            to_step=_target(uow, step).name,
            to_task_ids=[t.id for t in reopened],
            cancelled_task_ids=[t for t in cancelled if t != task.id],
            reason=reason,
        )
        uow.commit()
        return _outcome(config, uow, actor, task, reopened, row)


def withdraw_task(config, actor, task_id: str, reason: str | None = None) -> Outcome:
    """Take back a task ``actor`` completed (撤回): it is theirs and ready again, prefilled,
    and the tasks opened after it are cancelled. Refused once a later step was completed."""
    with UnitOfWork(config.sessions) as uow:
        task, row, workflow, spiff_task = _withdrawable(config, uow, actor, task_id)
        step = rewind.Step(spiff_task, task.bpmn_id, (spiff_task,))
        reopened, cancelled = _go_back(config, uow, actor, row, workflow, step)
        audit.record(
            uow,
            actor,
            "task_withdrawn",
            config.clock.now(),
            row,
            task.id,
            element_id=task.bpmn_id,
            cancelled_task_ids=cancelled,
            reason=(reason or "").strip() or None,
        )
        uow.commit()
        return _outcome(config, uow, actor, task, reopened, row)


def withdrawable(config, actor, task_ids: list[str]) -> set[str]:
    """Which of ``task_ids`` ``actor`` may withdraw now (the done list offers 撤回 on them)."""
    allowed = set()
    with UnitOfWork(config.sessions) as uow:
        rows = uow.session.scalars(select(Task).where(Task.id.in_([t for t in task_ids if is_uuid(t)])))
        by_case: dict[str, list[Task]] = {}
        for task in rows:
            if task.state == "completed" and task.completed_by == actor.name:
                by_case.setdefault(task.instance_id, []).append(task)
        for instance_id, tasks in by_case.items():
            row = uow.session.get(ProcessInstance, instance_id)
            if row.status != "running" or not is_staff(actor):
                continue
            workflow = runtime.open_workflow(config, uow, row)
            for task in tasks:
                try:
                    _check_withdrawable(uow, row, task, rewind.find_task(workflow, UUID(task.id)))
                except Conflict:
                    continue
                allowed.add(task.id)
    return allowed


def _load(uow, actor, task_id: str) -> Task:
    if not is_staff(actor):
        raise NotPermitted("applicants do not return or withdraw tasks (退回/撤回 are staff operations)")
    task = uow.session.get(Task, task_id) if is_uuid(task_id) else None
    if task is None:
        raise NotFound(f"task {task_id} does not exist")
    return task


def _returnable(config, uow, actor, task_id: str, lock: bool = True):
    """The open task ``actor`` may return, its case (locked to change it), workflow and engine task."""
    task = _load(uow, actor, task_id)
    if not may_work_on(actor, task):
        raise NotPermitted("this task belongs to a group you are not in")
    if lock:
        row = runtime.lock_instance(uow, task.instance_id)
        uow.session.refresh(task)
    else:
        row = uow.session.get(ProcessInstance, task.instance_id)
    if task.state not in OPEN_TASK_STATES:
        raise Conflict(f"the task is {task.state}: only an open task can be returned")
    if task.state == "suspended" or row.status != "running":
        raise Conflict(f"the case is {row.status if row.status != 'running' else 'suspended'}")
    if task.assignee not in (None, actor.name):
        raise Conflict(f"the task is claimed by {task.assignee}")
    workflow = runtime.open_workflow(config, uow, row)
    spiff_task = rewind.find_task(workflow, UUID(task.id))
    if spiff_task is None or spiff_task.state != TaskState.READY:
        raise Conflict("the task is no longer ready")
    if not operation_allowed(task, "return"):
        raise NotPermitted(f"the step '{task.bpmn_id}' does not allow returns (allowedOperations)")
    return task, row, workflow, spiff_task


def _withdrawable(config, uow, actor, task_id: str):
    task = _load(uow, actor, task_id)
    row = runtime.lock_instance(uow, task.instance_id)
    uow.session.refresh(task)
    if task.state != "completed":
        raise Conflict(f"the task is {task.state}: only a completed task can be withdrawn")
    if task.completed_by != actor.name:
        raise Conflict(f"only the person who completed the task ({task.completed_by}) may withdraw it")
    if row.status != "running":
        raise Conflict(f"the case is {row.status}")
    workflow = runtime.open_workflow(config, uow, row)
    spiff_task = rewind.find_task(workflow, UUID(task.id))
    _check_withdrawable(uow, row, task, spiff_task)
    return task, row, workflow, spiff_task


def _check_withdrawable(uow, row: ProcessInstance, task: Task, spiff_task) -> None:
    if spiff_task is None or spiff_task.state != TaskState.COMPLETED:
        raise Conflict("the case has since gone back before this step; it cannot be withdrawn")
    if rewind.instance_of(spiff_task) is not None:
        raise Conflict(
            "one instance of a multi-instance step cannot be withdrawn on its own; "
            "ask the next step to return to the whole step instead"
        )
    if not operation_allowed(task, "withdraw"):
        raise Conflict(f"the step '{task.bpmn_id}' does not allow withdrawal (allowedOperations)")
    later = rewind.later_completed_steps(spiff_task)
    if later:
        done = uow.session.get(Task, str(later[0].id))
        who = f" by {done.completed_by}" if done is not None and done.completed_by else ""
        raise Conflict(
            f"a later step, '{later[0].task_spec.bpmn_name or later[0].task_spec.bpmn_id}', "
            f"has been completed{who}: the task can no longer be withdrawn; ask for a return instead"
        )
    started = uow.session.scalar(
        select(ProcessInstance.id).where(
            ProcessInstance.parent_instance_id == row.id, ProcessInstance.started_at >= task.completed_at
        )
    )
    if started is not None:
        raise Conflict("the case has started other cases since this step: it can no longer be withdrawn")


def _required_reason(reason) -> str:
    text = (reason or "").strip() if isinstance(reason, str) else ""
    if not text:
        raise InvalidInput("a return needs a reason", [FieldError("/reason", "a reason is required")])
    return text


def _chosen_step(workflow, spiff_task, target: str) -> rewind.Step:
    steps = rewind.earlier_steps(spiff_task)
    for step in reversed(steps):
        ids = {str(step.anchor.id), *(str(t.id) for t in step.tasks)}
        if target == step.element_id or target in ids:
            return step
    raise InvalidInput(
        _why_not(workflow, target), [FieldError("/target", f"'{target}' is not a step to return to")]
    )


def _why_not(workflow, target: str) -> str:
    specs = [workflow.spec, *workflow.subprocess_specs.values()]
    named = [s for spec in specs for s in spec.task_specs.values() if getattr(s, "bpmn_id", None) == target]
    if not named:
        return f"the process has no step '{target}'"
    if not any(s.manual for s in named):
        return f"'{target}' is not a user task: a task can only be returned to a user step"
    return f"the step '{target}' has not run before this task in this case: it cannot be returned to"


def _go_back(config, uow, actor, row, workflow, step) -> tuple[list[Task], list[str]]:
    """Reset to ``step``, save, and hand the reopened tasks to whoever last did them."""
    open_before = set(
        uow.session.scalars(
            select(Task.id).where(Task.instance_id == row.id, Task.state.in_(OPEN_TASK_STATES))
        )
    )
    done_by = {str(t.id): _row(uow, t).completed_by for t in step.tasks}

    def answers(spiff_task):
        return _row(uow, spiff_task).submitted_data

    holder = []
    runtime.run(
        config, uow, row, workflow, actor, step=lambda: holder.extend(rewind.go_back(workflow, step, answers))
    )
    runtime.save(config, uow, row, workflow, actor)
    now = config.clock.now()
    reopened = []
    for spiff_task, old in holder:
        task_row = uow.session.get(Task, str(spiff_task.id))
        if task_row is None or task_row.state not in OPEN_TASK_STATES:
            continue
        previous = done_by.get(str(old.id)) if old is not None else None
        if previous:
            task_row.assignee = previous
        task_row.created_at = now
        reopened.append(task_row)
    cancelled = uow.session.scalars(
        select(Task.id).where(Task.id.in_(open_before), Task.state == "cancelled")
    ).all()
    return reopened, sorted(cancelled)


def _row(uow, spiff_task) -> Task:
    return uow.session.get(Task, str(spiff_task.id))


def _target(uow, step: rewind.Step) -> ReturnTarget:
    last = _row(uow, step.tasks[-1])
    return ReturnTarget(
        element_id=step.element_id,
        name=last.name if last is not None else step.element_id,
        task_id=str(step.anchor.id) if step.anchor is not step.tasks[-1] else str(step.tasks[-1].id),
        completed_by=last.completed_by if last is not None else None,
        completed_at=last.completed_at if last is not None else None,
    )


def _outcome(config, uow, actor, task: Task, reopened: list[Task], row) -> Outcome:
    now = config.clock.now()
    reopened = [t.with_oversight(now) for t in reopened]
    return Outcome(task.with_oversight(now), reopened, instance_view(uow, row, now, actor))
