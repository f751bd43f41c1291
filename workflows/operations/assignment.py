"""Handing a task on: transfer (转办) makes another person its holder; delegation (委派) lets
another person answer it, after which it comes back to the delegator, whose completion moves
the case on (Camunda's owner and DelegationState PENDING/RESOLVED, in the task row: the
diagram does not change)."""

from __future__ import annotations

from workflows.access import may_be_given, may_hand_on, require_operation
from workflows.errors import Conflict, FieldError, InvalidInput, NotPermitted
from workflows.persistence import audit
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import Task

from .task_context import account, open_task


def transfer_task(config, actor, task_id: str, to: str, reason: str | None) -> Task:
    """Give the task to ``to``, who must be able to do it (active, in one of its groups)."""
    with UnitOfWork(config.sessions) as uow:
        task = transfer_task_in(config, uow, actor, task_id, to, reason)
        uow.commit()
        return task.with_oversight(config.clock.now())


def transfer_task_in(config, uow, actor, task_id: str, to: str, reason: str | None) -> Task:
    task, row = open_task(uow, actor, task_id)
    check_hand_on(actor, task, "transfer")
    _check_receiver(uow, task, to)
    previous, task.assignee, task.on_behalf_of = task.assignee, to, None
    audit.record(
        uow,
        actor,
        "task_transferred",
        config.clock.now(),
        row,
        task.id,
        element_id=task.bpmn_id,
        previous_assignee=previous,
        to=to,
        reason=reason,
    )
    return task


def delegate_task(config, actor, task_id: str, to: str) -> Task:
    """Let ``to`` answer the task; it then comes back to the actor to confirm."""
    with UnitOfWork(config.sessions) as uow:
        task, row = open_task(uow, actor, task_id)
        check_hand_on(actor, task, "delegate")
        if task.assignee not in (None, actor.name):
            raise NotPermitted(f"only the holder of the task ({task.assignee}) delegates it")
        _check_receiver(uow, task, to)
        if to == actor.name:
            raise InvalidInput("you cannot delegate a task to yourself", [FieldError("/to", "yourself")])
        task.owner, task.assignee, task.delegation = actor.name, to, "pending"
        now = config.clock.now()
        audit.record(uow, actor, "task_delegated", now, row, task.id, element_id=task.bpmn_id, to=to)
        uow.commit()
        return task.with_oversight(now)


def answer_delegated(config, uow, actor, task: Task, row, data: dict) -> bool:
    """A completion hook: the delegate's answer is kept and the task goes back to its owner."""
    if task.delegation != "pending":
        return False
    task.submitted_data, task.assignee, task.delegation = data, task.owner, "resolved"
    audit.record(
        uow,
        actor,
        "task_delegate_answered",
        config.clock.now(),
        row,
        task.id,
        element_id=task.bpmn_id,
        owner=task.owner,
        data=data,
    )
    return True


def check_hand_on(actor, task: Task, operation: str) -> None:
    require_operation(task, operation)
    if task.kind != "user":
        raise Conflict("an added signer's task is not handed on: remove the signer and add another")
    if task.delegation == "pending":
        raise Conflict(f"the task is delegated to {task.assignee}; it comes back when they have answered")
    if task.held is not None:
        raise Conflict("the task waits for its added signers")
    if not may_hand_on(actor, task):
        raise NotPermitted(f"the task is held by {task.assignee}" if task.assignee else "not your task")


def _check_receiver(uow, task: Task, to: str) -> None:
    user = account(uow.session, to, "/to")
    if not may_be_given(user, task):
        groups = ", ".join(task.candidate_groups) or "staff"
        raise InvalidInput(
            f"'{to}' may not do this task: an active member of {groups} may",
            [FieldError("/to", f"'{to}' is not an active member of {groups}")],
        )
    if to == task.assignee:
        raise InvalidInput(f"the task is already {to}'s", [FieldError("/to", "already the holder")])
