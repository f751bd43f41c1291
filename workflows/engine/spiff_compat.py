"""The SpiffWorkflow 3.2 internals the engine relies on, each behind one small function.

SpiffWorkflow's public API runs and serializes workflows; a few things the engine needs have
no public form, so it uses underscore methods and a task's ``internal_data``. They live here,
and nowhere else (a test checks ``workflows/`` for underscore attributes of other objects and
for ``internal_data``), so an upgrade of SpiffWorkflow is checked against this one module.

Overriding SpiffWorkflow's hook methods (``_run_hook``, ``_update_hook``) in subclasses and in
``task_data`` is its extension point, not an internal: those stay where they are.
"""

from __future__ import annotations

from SpiffWorkflow.util.task import TaskState


def get_internal(task, name: str, default=None):
    """A value kept in the task's internal data, serialized with the task.

    The engine keeps its own there (a timer's computed moment, when it started and whether the
    calendar was complete; a task's resolved deadline and start; what a multi-instance round
    wrote), and reads SpiffWorkflow's (``merged`` and ``cardinality`` of a multi-instance
    task, ``key_or_index`` of an instance, ``seen_events``, a caught message's payload).
    """
    return task._get_internal_data(name, default)


def set_internal(task, **values) -> None:
    """Keep ``values`` in the task's internal data (see ``get_internal``)."""
    task._set_internal_data(**values)


def pop_internal(task, name: str, default=None):
    """Remove a value from the task's internal data and return it."""
    return task.internal_data.pop(name, default)


def force_ready(task) -> None:
    """Put a failed task back to READY so the next run executes it again (an administrator's
    retry): SpiffWorkflow has no public way to retry a task in ERROR."""
    task._set_state(TaskState.READY)


def update(task) -> None:
    """Let the task's spec react to a change, as SpiffWorkflow does when a predecessor
    completes (``TaskSpec._update``): a waiting event that has caught a message becomes ready."""
    task.task_spec._update(task)


def instance_tasks(spec, task) -> list:
    """The instances a multi-instance task has created so far, in creation order
    (``MultiInstanceTask._instances``)."""
    return list(spec._instances(task))


def drop_children(task) -> None:
    """Remove every child of ``task`` from the tree, finished or not (a join's earlier
    arrivals, which SpiffWorkflow's own join drops the same way)."""
    task._drop_children(force=True)


def forget_dropped_events(workflow) -> None:
    """Remove from the workflow's event manager the waiting events that are no longer in the
    task tree. ``reset_from_task_id`` drops a reset branch's descendants, boundary timers
    and subprocesses included, without telling the event manager (SpiffWorkflow 3.2), whose
    next ``refresh_timers`` would then update a task that has no parent any more."""
    manager = workflow.event_manager
    for task_id, task in list(manager.tasks.items()):
        top = task.workflow.top_workflow
        alive = task_id in task.workflow.tasks and (
            task.workflow is top or task.workflow in top.subprocesses.values()
        )
        if not alive:
            manager.remove_task(task)
