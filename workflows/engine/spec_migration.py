"""Moving a running workflow onto another version of its spec, on SpiffWorkflow's spec diff
(``SpiffWorkflow.bpmn.util.diff``: ``diff_workflow`` aligns the old task specs with the new by
BPMN id, ``migrate_workflow`` swaps the specs and re-predicts the open branches).

A workflow can move when every task that stays in its tree finds its element in the new
version with the same type: completed tasks (the history), open ones (ready, waiting, started,
failed) and the subprocesses they run in. Predicted tasks below open ones are dropped and
predicted again from the new version, so the route ahead may change freely.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.util.task import TaskState

from workflows.engine.serialization import spec_registry

_KEPT = TaskState.FINISHED_MASK | TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR
_OPEN = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR


@dataclass
class Plan:
    """What moving the workflow would do: ``problems`` (element, problem) forbid it."""

    top: object
    subprocesses: dict
    problems: list[dict] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)


def plan_migration(workflow, new_spec, new_subprocess_specs: dict) -> Plan:
    top, subprocesses = diff_workflow(spec_registry(), workflow, new_spec, new_subprocess_specs)
    plan = Plan(top, subprocesses)
    _check(plan, workflow, top)
    for sp_id, sp in workflow.subprocesses.items():
        diff = subprocesses[sp_id]
        if diff is None:
            if not sp.completed:
                plan.problems.append(_problem(sp.spec.name, "the subprocess the case is running was removed"))
            continue
        _check(plan, sp, diff)
    return plan


def _check(plan: Plan, workflow, diff) -> None:
    for task in diff.removed:
        if task.has_state(_KEPT):
            where = "a token is at" if task.has_state(_OPEN) else "that already ran"
            plan.problems.append(_problem(task.task_spec.bpmn_id, f"the element {where} was removed"))
    for task in diff.changed:
        if not task.has_state(_KEPT):
            continue
        new = diff.alignment.get(task)
        if new is not None and type(new) is not type(task.task_spec):
            plan.problems.append(_problem(task.task_spec.bpmn_id, "the element changed its type"))
        elif task.has_state(_OPEN):
            plan.changed.append(task.task_spec.bpmn_id)


def stale_tasks(workflow) -> list[str]:
    """Elements of tasks still on a spec the workflow no longer has (after ``migrate``)."""
    specs = [workflow.spec, *workflow.subprocess_specs.values()]
    known = {id(ts) for spec in specs for ts in spec.task_specs.values()}
    return sorted(
        {
            t.task_spec.bpmn_id or t.task_spec.name
            for t in workflow.get_tasks()
            if id(t.task_spec) not in known
        }
    )


def _problem(element: str | None, problem: str) -> dict:
    return {"element": element, "problem": problem}


def migrate(workflow, plan: Plan, new_spec, new_subprocess_specs: dict) -> None:
    """Move ``workflow`` (already checked: ``plan.problems`` is empty) onto the new specs."""
    for sp_id, sp in workflow.subprocesses.items():
        diff = plan.subprocesses.get(sp_id)
        if diff is not None:
            migrate_workflow(diff, sp, new_subprocess_specs[sp.spec.name])
    migrate_workflow(plan.top, workflow, new_spec)
    workflow.subprocess_specs = new_subprocess_specs
