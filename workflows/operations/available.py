"""What the task page may offer: the operations of this module's package that would succeed
for the actor on the task now (the same checks the use cases make), and the added signers
one may still remove."""

from __future__ import annotations

from dataclasses import dataclass, field

from workflows.access import is_staff, operation_allowed
from workflows.errors import EngineError
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import Task

from . import assignment, signers
from .task_context import added_tasks


@dataclass
class Offer:
    operations: frozenset[str] = frozenset()
    open_signers: list[Task] = field(default_factory=list)


def offered_operations(config, actor, task) -> Offer:
    """The operations ``actor`` may use on ``task`` (a task row as ``tasks.get_task`` gives it)."""
    if task.state != "ready" or task.kind != "user":
        return Offer()
    offered = set()
    for operation, check in (
        ("transfer", assignment.check_hand_on),
        ("delegate", assignment.check_hand_on),
        ("add_signer", signers.check_holder),
    ):
        if _passes(check, actor, task, operation):
            offered.add(operation)
    if "delegate" in offered and task.assignee not in (None, actor.name):
        offered.discard("delegate")
    if task.held == "after_signers":
        offered.discard("add_signer")
    if is_staff(actor) and operation_allowed(task, "comment"):
        offered.add("comment")
    with UnitOfWork(config.sessions) as uow:
        removable = (
            []
            if not _passes(signers.check_holder, actor, task, "remove_signer")
            else added_tasks(uow.session, uow.session.get(Task, task.id))
        )
    if removable:
        offered.add("remove_signer")
    return Offer(frozenset(offered), removable)


def _passes(check, actor, task, operation: str) -> bool:
    try:
        check(actor, task, operation)
    except EngineError:
        return False
    return True
