"""The engine step shared by every use case: open a case under lock, run it, save it.

Saving writes, in the caller's transaction, the serialized state, the variables,
the status, the worklist rows and the message subscriptions, so the tables that
queries use never disagree with the state SpiffWorkflow holds.
"""

from __future__ import annotations

import logging
from datetime import date
from uuid import uuid4

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from . import audit
from .clock import BUREAU_TZ
from .errors import NotFound
from .models import (
    OPEN_TASK_STATES,
    MessageSubscription,
    ProcessDefinition,
    ProcessInstance,
    Task,
    TaskCandidateGroup,
)
from .sandbox import SandboxScriptEngine
from .serialization import cached_specs, dump_workflow, load_workflow, to_json_data
from .services import service_operations

log = logging.getLogger(__name__)
_FRONTIER = TaskState.READY | TaskState.WAITING | TaskState.STARTED


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def script_engine(config, uow) -> SandboxScriptEngine:
    functions = {
        "now": lambda: config.clock.now().astimezone(BUREAU_TZ),
        "today": lambda: config.clock.now().astimezone(BUREAU_TZ).date(),
        "add_years": add_years,
    }
    engine = SandboxScriptEngine(functions, service_operations(config, uow))
    engine.clock = config.clock
    return engine


def lock_instance(uow, instance_id: str) -> ProcessInstance:
    """The instance row, locked against concurrent change (a row lock on PostgreSQL)."""
    stmt = (
        select(ProcessInstance)
        .where(ProcessInstance.id == instance_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    row = uow.session.scalars(stmt).one_or_none()
    if row is None:
        raise NotFound(f"process instance {instance_id} does not exist")
    return row


def latest_definition(uow, key: str) -> ProcessDefinition | None:
    return uow.session.scalars(
        select(ProcessDefinition)
        .where(ProcessDefinition.key == key)
        .order_by(ProcessDefinition.version.desc())
        .limit(1)
    ).first()


def resolve_called(uow, definition: ProcessDefinition, resolved: dict | None = None) -> dict:
    """Pin the latest version of every process ``definition`` calls, transitively."""
    resolved = {} if resolved is None else resolved
    for key in definition.called_keys:
        if key in resolved:
            continue
        called = latest_definition(uow, key)
        if called is None:
            raise NotFound(f"called process '{key}' is not deployed")
        resolved[key] = called.id
        resolve_called(uow, called, resolved)
    return resolved


def _specs(uow, definition: ProcessDefinition):
    return cached_specs(definition.content_hash, lambda: _spec_json(uow, definition.id))


def _spec_json(uow, definition_id: int) -> str:
    return uow.session.scalar(
        select(ProcessDefinition.spec_json).where(ProcessDefinition.id == definition_id)
    )


def _all_specs(uow, definition: ProcessDefinition, called: dict):
    spec, subprocess_specs = _specs(uow, definition)
    merged = dict(subprocess_specs)
    for key, definition_id in called.items():
        called_spec, called_subs = _specs(uow, uow.session.get(ProcessDefinition, definition_id))
        merged[key] = called_spec
        merged.update(called_subs)
    return spec, merged


def new_workflow(config, uow, definition: ProcessDefinition, called: dict) -> BpmnWorkflow:
    spec, subprocess_specs = _all_specs(uow, definition, called)
    return BpmnWorkflow(spec, subprocess_specs, script_engine=script_engine(config, uow))


def open_workflow(config, uow, row: ProcessInstance) -> BpmnWorkflow:
    definition = uow.session.get(ProcessDefinition, row.definition_id)
    spec, subprocess_specs = _all_specs(uow, definition, row.called_definitions)
    return load_workflow(row.serialized, spec, subprocess_specs, script_engine(config, uow))


def run(config, uow, row: ProcessInstance, workflow: BpmnWorkflow, actor, step=None) -> None:
    """Run ``step`` (if any; it returns the task it completed, or None), then
    every engine task that is ready.

    A failing script, condition or service call does not roll anything back: the
    instance goes to status ``error`` with the element and message, and the work
    done before the failure is kept. So does a loop that runs past
    ``config.max_task_depth`` (SpiffWorkflow would otherwise lose its tasks).
    """

    def guard(task):
        if task.depth > config.max_task_depth:
            raise TooDeep(task, config.max_task_depth)

    try:
        completed = step() if step is not None else None
        if completed is not None:
            guard(completed)
        workflow.do_engine_steps(did_complete_task=guard)
    except SpiffWorkflowException as exc:
        _record_error(config, uow, row, actor, exc)


class TooDeep(WorkflowTaskException):
    def __init__(self, task, limit: int):
        super().__init__(
            f"the case history is {task.depth} steps deep, over the limit of {limit}: "
            "a loop in the diagram repeats without bound",
            task=task,
        )


def _record_error(config, uow, row, actor, exc) -> None:
    task = getattr(exc, "task", None)
    spec = task.task_spec if task is not None else None
    notes = [n for n in getattr(exc, "__notes__", []) if n]
    row.error = {
        "element_id": getattr(spec, "bpmn_id", None),
        "element_name": getattr(spec, "bpmn_name", None),
        "task_id": str(task.id) if task is not None else None,
        "message": " ".join([str(exc), *notes]).strip(),
        "line": getattr(exc, "line_number", None) or None,
        "at": config.clock.now().isoformat(),
    }
    row.status = "error"
    log.warning("instance %s failed at %s: %s", row.id, row.error["element_id"], row.error["message"])
    audit.record(uow, actor, "instance_error", config.clock.now(), row, error=row.error)


def save(config, uow, row: ProcessInstance, workflow: BpmnWorkflow, actor) -> None:
    """Write the workflow's state and everything derived from it to the session."""
    now = config.clock.now()
    frontier = workflow.get_tasks(state=_FRONTIER)
    if row.status == "running" and workflow.is_completed():
        row.status = "completed"
        row.ended_at = now
        audit.record(uow, actor, "instance_completed", now, row)
    row.serialized = dump_workflow(workflow)
    row.variables = to_json_data(_variables(workflow, frontier))
    row.updated_at = now
    ready = [t for t in frontier if t.state == TaskState.READY and t.task_spec.manual]
    _sync_tasks(config, uow, row, ready, actor, now)
    _sync_subscriptions(uow, row, workflow)


def _variables(workflow: BpmnWorkflow, frontier) -> dict:
    if workflow.is_completed():
        data = dict(workflow.last_task.data) if workflow.last_task is not None else {}
        data.update(workflow.data)
        return data
    data = {}
    for task in frontier:
        if task.workflow is workflow:
            data.update(task.data)
    return data


def _sync_tasks(config, uow, row, ready, actor, now) -> None:
    session = uow.session
    open_rows = {
        t.id: t
        for t in session.scalars(
            select(Task).where(Task.instance_id == row.id, Task.state.in_(OPEN_TASK_STATES))
        )
    }
    ready_by_id = {str(t.id): t for t in ready}
    for task_id, task_row in open_rows.items():
        if task_id not in ready_by_id:
            task_row.state = "cancelled"
            task_row.completed_at = now
    state = "suspended" if row.status == "suspended" else "ready"
    for task_id, spiff_task in ready_by_id.items():
        if task_id in open_rows:
            continue
        existing = session.get(Task, task_id)
        if existing is not None:
            existing.state, existing.assignee = state, None
            existing.completed_at = existing.completed_by = None
            continue
        session.add(_new_task_row(row, task_id, spiff_task, state, now))
        audit.record(uow, actor, "task_created", now, row, task_id, element_id=spiff_task.task_spec.bpmn_id)


def _new_task_row(row, task_id, spiff_task, state, now) -> Task:
    spec = spiff_task.task_spec
    meta = (getattr(spec, "extensions", None) or {}).get("meta") or {}
    return Task(
        id=task_id,
        instance_id=row.id,
        process_key=row.process_key,
        business_key=row.business_key,
        bpmn_id=spec.bpmn_id,
        name=spec.bpmn_name or spec.bpmn_id,
        lane=spec.lane,
        form_hash=meta.get("form_hash"),
        state=state,
        created_at=now,
        candidates=[TaskCandidateGroup(group_name=g) for g in meta.get("candidate_groups", [])],
    )


def _sync_subscriptions(uow, row, workflow: BpmnWorkflow) -> None:
    waiting = {
        (str(t.id), t.task_spec.event_definition.name, t.task_spec.bpmn_id)
        for t in workflow.event_manager.tasks.values()
        if isinstance(getattr(t.task_spec, "event_definition", None), MessageEventDefinition)
        and t.state == TaskState.WAITING
    }
    if row.status in ("completed", "cancelled"):
        waiting = set()
    existing = uow.session.scalars(
        select(MessageSubscription).where(MessageSubscription.instance_id == row.id)
    ).all()
    for sub in existing:
        if (sub.task_id, sub.name, sub.element_id) not in waiting:
            uow.session.delete(sub)
    known = {(s.task_id, s.name, s.element_id) for s in existing}
    for task_id, name, element_id in waiting - known:
        uow.session.add(
            MessageSubscription(
                instance_id=row.id,
                name=name,
                business_key=row.business_key,
                task_id=task_id,
                element_id=element_id,
            )
        )


def new_instance_id() -> str:
    return str(uuid4())
