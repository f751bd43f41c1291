"""Supervisors' bulk actions: claim, complete or transfer many tasks at once. Each task is its
own unit of work, so each succeeds or fails on its own; the answer says which, and why."""

from __future__ import annotations

from dataclasses import dataclass

from workflows import tasks
from workflows.access import may_oversee_tasks
from workflows.errors import EngineError, FieldError, InvalidInput, NotPermitted

from . import assignment

BULK_OPERATIONS = ("claim", "complete", "transfer")
MAX_ITEMS = 100


@dataclass
class BulkItem:
    task_id: str
    error: EngineError | None = None


def bulk_operate(config, actor, operation: str, task_ids: list[str], data=None, to=None, reason=None):
    """Run ``operation`` on each task in turn; a list of ``BulkItem`` in the order given."""
    if not may_oversee_tasks(actor):
        raise NotPermitted("bulk actions are for supervisors")
    if not task_ids or len(task_ids) > MAX_ITEMS or len(set(task_ids)) != len(task_ids):
        raise InvalidInput(
            f"name 1 to {MAX_ITEMS} different tasks", [FieldError("/task_ids", "1 to 100 different ids")]
        )
    if operation == "transfer" and not to:
        raise InvalidInput("a transfer names who receives the tasks", [FieldError("/to", "required")])
    act = {
        "claim": lambda task_id: tasks.claim_task(config, actor, task_id),
        "complete": lambda task_id: tasks.complete_task(config, actor, task_id, dict(data or {})),
        "transfer": lambda task_id: assignment.transfer_task(config, actor, task_id, to, reason),
    }[operation]
    results = []
    for task_id in task_ids:
        try:
            act(task_id)
            results.append(BulkItem(task_id))
        except EngineError as exc:
            results.append(BulkItem(task_id, exc))
    return results
