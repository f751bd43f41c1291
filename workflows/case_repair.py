"""Repairing a case (administrators): move its token, skipping a step or running one again,
and edit its variables; each with a reason, audited with what changed.

Moving runs on SpiffWorkflow's task tree. Re-running an element that has run resets the tree
to its last run (``BpmnWorkflow.reset_from_task_id``, with the case's current data, so edits
are kept): the steps after it are dropped and their timers with them, the element is ready
again and its boundary timers are armed anew. Skipping completes the open task without
running its work (``Task.complete``) and lets the engine go on, through further open tasks
if need be, until the target is reached; a route that never reaches it changes nothing.
"""

from __future__ import annotations

from copy import deepcopy

from SpiffWorkflow.util.task import TaskState

from workflows.access import require_admin
from workflows.engine import runtime
from workflows.errors import Conflict, FieldError, InvalidInput, NotFound
from workflows.instances import InstanceView, instance_view, is_uuid
from workflows.persistence import audit
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import ACTIVE_STATUSES

_OPEN = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR
MAX_SKIPS = 20  # open tasks a move may skip on its way to the target


def _admin_case(uow, actor, instance_id: str, reason: str | None, statuses: tuple[str, ...]):
    require_admin(actor, "repair cases")
    if not (reason or "").strip():
        raise InvalidInput("a reason is required", [FieldError("/reason", "give the reason for the record")])
    if not is_uuid(instance_id):
        raise NotFound(f"process instance {instance_id} does not exist")
    row = runtime.lock_instance(uow, instance_id)
    if row.status not in statuses:
        raise Conflict(f"the case is {row.status}; this repair needs it {' or '.join(statuses)}")
    return row


def move_token(
    config, actor, instance_id: str, to: str, reason: str, from_: str | None = None
) -> InstanceView:
    """Move the case's token from the open element ``from_`` (default: its only open task) to
    ``to``: back to an element that has run (run it again), or ahead past open tasks (skip)."""
    with UnitOfWork(config.sessions) as uow:
        row = _admin_case(uow, actor, instance_id, reason, ("running", "error"))
        workflow = runtime.open_workflow(config, uow, row)
        source = _source(workflow, from_)
        _check_element(workflow, to)
        target = _last_run(workflow, to, source)
        mode = "rerun" if target is not None else "skip"
        data = deepcopy(source.data)
        row.status, previous_error, row.error = "running", row.error, None
        if target is not None:
            workflow.reset_from_task_id(target.id, data=data)
            step = None
        else:
            step = lambda: _skip_to(workflow, source, to)  # noqa: E731
        audit.record(
            uow,
            actor,
            "token_moved",
            config.clock.now(),
            row,
            str(source.id),
            **{"from": source.task_spec.bpmn_id},
            to=to,
            mode=mode,
            reason=reason,
            previous_error=previous_error,
        )
        runtime.run(config, uow, row, workflow, actor, step=step)
        runtime.save(config, uow, row, workflow, actor)
        uow.commit()
        return instance_view(uow, row, config.clock.now())


def _source(workflow, element: str | None):
    open_tasks = [
        t for t in workflow.get_tasks(state=_OPEN) if t.task_spec.manual or t.state == TaskState.ERROR
    ]
    if element is not None:
        open_tasks = [t for t in workflow.get_tasks(state=_OPEN) if t.task_spec.bpmn_id == element]
    if len(open_tasks) == 1:
        return open_tasks[0]
    pointer = "/from"
    if not open_tasks:
        raise InvalidInput(
            f"no open token at '{element}'", [FieldError(pointer, "not an open element of the case")]
        )
    names = sorted({t.task_spec.bpmn_id for t in open_tasks})
    raise InvalidInput(
        f"the case has several open tokens ({', '.join(names)}): name the one to move",
        [FieldError(pointer, "name one of " + ", ".join(names))],
    )


def _check_element(workflow, element: str) -> None:
    specs = [workflow.spec, *workflow.subprocess_specs.values()]
    if not any(element in spec.task_specs for spec in specs):
        raise InvalidInput(f"the process has no element '{element}'", [FieldError("/to", "no such element")])


def _last_run(workflow, element: str, source):
    """The last completed run of ``element`` on the way to ``source`` (None: not run there)."""
    runs = [
        t
        for t in workflow.get_tasks(state=TaskState.COMPLETED)
        if t.task_spec.bpmn_id == element and source.is_descendant_of(t)
    ]
    return max(runs, key=lambda t: t.last_state_change) if runs else None


def _skip_to(workflow, source, element: str):
    """Complete open tasks without their work, starting at ``source``, until ``element`` is open."""
    current = source
    for _ in range(MAX_SKIPS):
        current.complete()
        workflow.do_engine_steps()
        reached = [t for t in workflow.get_tasks(state=_OPEN) if t.task_spec.bpmn_id == element]
        if reached:
            return reached[0]
        following = [
            t
            for t in workflow.get_tasks(state=TaskState.READY)
            if t.task_spec.manual and t.is_descendant_of(source)
        ]
        if len(following) != 1:
            break
        current = following[0]
    raise Conflict(
        f"moving on from '{source.task_spec.bpmn_id}' does not reach '{element}': nothing was changed"
    )


def edit_variables(
    config, actor, instance_id: str, set_: dict, unset: list[str], reason: str
) -> tuple[InstanceView, dict]:
    """Set and remove case variables on every open token (a failed one included, so a retry
    sees them); returns the case and the diff ``{name: {"from": old, "to": new}}`` recorded."""
    with UnitOfWork(config.sessions) as uow:
        row = _admin_case(uow, actor, instance_id, reason, ACTIVE_STATUSES)
        _check_names(set_, unset, row.variables)
        workflow = runtime.open_workflow(config, uow, row)
        for task in workflow.get_tasks(state=_OPEN):
            task.data.update(deepcopy(set_))
            for name in unset:
                task.data.pop(name, None)
        before = row.variables or {}
        diff = {
            n: {"from": before.get(n), "to": v}
            for n, v in set_.items()
            if before.get(n) != v or n not in before
        }
        diff.update({n: {"from": before.get(n), "to": None, "removed": True} for n in unset})
        audit.record(uow, actor, "variables_edited", config.clock.now(), row, diff=diff, reason=reason)
        runtime.save(config, uow, row, workflow, actor)
        uow.commit()
        return instance_view(uow, row, config.clock.now()), diff


def _check_names(set_: dict, unset: list[str], variables: dict) -> None:
    errors = [
        FieldError(f"/set/{name}", "not a variable name a script can use")
        for name in set_
        if not name.isidentifier() or name.startswith("_")
    ]
    for index, name in enumerate(unset):
        if name in set_:
            errors.append(FieldError(f"/unset/{index}", "both set and unset"))
        elif name not in (variables or {}):
            errors.append(FieldError(f"/unset/{index}", f"the case has no variable '{name}'"))
    if not set_ and not unset:
        errors.append(FieldError("/set", "nothing to change"))
    if errors:
        raise InvalidInput("the variables cannot be changed so", errors)
