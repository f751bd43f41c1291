"""What a case's diagram shows: its version's BPMN XML, the elements the case has passed, the
elements it waits at (its positions), the element it failed at, and who did each step when."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from workflows import instances
from workflows.engine import runtime
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import (
    OPEN_TASK_STATES,
    Job,
    MessageSubscription,
    ProcessDefinition,
    ProcessInstance,
    Task,
)

# where a case is: steps ready or waiting (a call activity, a catch event), and those running
_FRONTIER = TaskState.READY | TaskState.WAITING | TaskState.STARTED


@dataclass
class CaseDiagram:
    process_key: str
    version: int
    xml: str
    # element ids the case has passed, waits at, and stopped with an error at
    completed: list[str]
    current: list[str]
    error: str | None
    # the human steps taken at each element, oldest first
    steps: dict[str, list[Task]]


def case_diagram(config, actor, instance_id: str) -> CaseDiagram:
    """The diagram of a case ``actor`` may read, with its path so far."""
    view = instances.get_instance(config, actor, instance_id)
    steps = defaultdict(list)
    for task in instances.instance_tasks(config, actor, instance_id):
        steps[task.bpmn_id].append(task)
    with UnitOfWork(config.sessions) as uow:
        row = uow.session.get(ProcessInstance, view.id)
        definition = uow.session.get(ProcessDefinition, row.definition_id)
        workflow = runtime.open_workflow(config, uow, row)
        passed = {t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.COMPLETED)}
        passed |= {bpmn_id for bpmn_id, tasks in steps.items() if any(t.completed_at for t in tasks)}
        error = (view.error or {}).get("element_id") if row.status == "error" else None
        frontier = {t.task_spec.bpmn_id for t in workflow.get_tasks(state=_FRONTIER)}
        current = (frontier | positions(uow, [row.id]).get(row.id, set())) - {error, None}
        return CaseDiagram(
            definition.key,
            definition.version,
            definition.bpmn_xml,
            sorted(passed - {None, error} - current),
            sorted(current),
            error,
            dict(steps),
        )


def positions(uow, instance_ids: list[str]) -> dict[str, set[str]]:
    """The elements each case waits at: its open human tasks, the messages and timers it
    waits for, and the element it stopped at with an error."""
    found: dict[str, set[str]] = defaultdict(set)
    if not instance_ids:
        return found
    open_tasks = select(Task.instance_id, Task.bpmn_id).where(
        Task.instance_id.in_(instance_ids), Task.state.in_(OPEN_TASK_STATES)
    )
    messages = select(MessageSubscription.instance_id, MessageSubscription.element_id).where(
        MessageSubscription.instance_id.in_(instance_ids)
    )
    for stmt in (open_tasks, messages):
        for instance_id, element in uow.session.execute(stmt):
            found[instance_id].add(element)
    timers = select(Job.instance_id, Job.payload).where(
        Job.instance_id.in_(instance_ids), Job.kind == "timer"
    )
    for instance_id, payload in uow.session.execute(timers):
        if (payload or {}).get("element_id"):
            found[instance_id].add(payload["element_id"])
    failed = select(ProcessInstance.id, ProcessInstance.error).where(
        ProcessInstance.id.in_(instance_ids), ProcessInstance.status == "error"
    )
    for instance_id, error in uow.session.execute(failed):
        if (error or {}).get("element_id"):
            found[instance_id].add(error["element_id"])
    return found
