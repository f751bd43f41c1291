"""The engine step shared by every use case: open a case under lock, run it, save it.

Saving writes, in the caller's transaction, the serialized state, the variables and
the status, and has ``projection`` rewrite the tables derived from them (worklist,
message subscriptions, timer jobs, statutory clock), so the tables that queries use
never disagree with the state SpiffWorkflow holds.
"""

from __future__ import annotations

import logging
from uuid import uuid4

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from workflows.clock import format_moment
from workflows.deadlines.calendar import current_calendar
from workflows.engine import projection, spiff_compat
from workflows.engine.failures import describe_failure
from workflows.engine.sandbox import SandboxScriptEngine
from workflows.engine.script_functions import ScriptFunctions
from workflows.engine.script_limits import ScriptLimits
from workflows.engine.serialization import cached_specs, dump_workflow, load_workflow, to_json_data
from workflows.engine.services import service_operations
from workflows.errors import Conflict, NotFound
from workflows.persistence import audit
from workflows.persistence.models import CLOSED_STATUSES, ProcessDefinition, ProcessInstance
from workflows.users import SYSTEM

log = logging.getLogger(__name__)
_FRONTIER = TaskState.READY | TaskState.WAITING | TaskState.STARTED
# ``hook(config, uow, row, workflow, actor)`` after every save (automatic approval runs the
# case on from there); installed by ``workflows.wiring``.
AFTER_SAVE_HOOKS: list = []


def script_engine(config, uow, row: ProcessInstance | None = None) -> SandboxScriptEngine:
    """A script engine for one unit of work: sandbox, clock, calendar, service operations.

    ``engine.case`` is what service operations know of the case; ``run`` sets its ``actor``
    to whoever's request or job runs the engine step (draws record them as ``drawn_by``).
    """
    case = {"actor": SYSTEM}
    if row is not None:
        case.update(instance_id=row.id, process_key=row.process_key, business_key=row.business_key)
    limits = ScriptLimits(config.script_time_limit_seconds, config.script_memory_limit_mb)
    engine = SandboxScriptEngine(services=service_operations(config, uow, case), limits=limits)
    engine.case = case
    engine.clock = config.clock
    engine.calendar = current_calendar(uow.session)
    engine.functions = ScriptFunctions(
        engine, engine.calendar, config.oversight_thresholds, config.certificate_validity_end
    )
    engine.environment.functions.update(engine.functions.as_dict())
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
    # one file may hold several processes: their content hash is the file's, so the key tells them apart
    cache_key = f"{definition.key}:{definition.content_hash}"
    return cached_specs(cache_key, lambda: _spec_json(uow, definition.id))


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


def definition_specs(uow, definition: ProcessDefinition, called: dict):
    """The spec of ``definition`` and those of its subprocesses and called processes."""
    return _all_specs(uow, definition, called)


def new_workflow(
    config, uow, row: ProcessInstance, definition: ProcessDefinition, called: dict
) -> BpmnWorkflow:
    spec, subprocess_specs = _all_specs(uow, definition, called)
    return BpmnWorkflow(spec, subprocess_specs, script_engine=script_engine(config, uow, row))


def open_workflow(config, uow, row: ProcessInstance) -> BpmnWorkflow:
    definition = uow.session.get(ProcessDefinition, row.definition_id)
    spec, subprocess_specs = _all_specs(uow, definition, row.called_definitions)
    return load_workflow(row.serialized, spec, subprocess_specs, script_engine(config, uow, row))


def run(config, uow, row: ProcessInstance, workflow: BpmnWorkflow, actor, step=None) -> None:
    """Run ``step`` (if any; it returns the task it completed, or None), then
    every engine task that is ready.

    Database failures and lost races are not the diagram's fault: they roll the whole
    unit of work back (a 409 for a lost race). A failing script, condition or service
    call does not roll anything back: the instance goes to status ``error`` with the
    element and message, and the work done before the failure is kept. So does a loop
    that runs past ``config.max_task_depth`` (SpiffWorkflow would otherwise lose tasks),
    and call activities nested past ``config.max_call_depth`` (a process calling itself).
    """

    running = [None]  # the engine task being run, to name the element when an error does not

    def track(task):
        running[0] = task

    def guard(task):
        if task.depth > config.max_task_depth:
            raise TooDeep(task, config.max_task_depth)
        if task.workflow.depth > config.max_call_depth:
            _check_call_depth(task.workflow, config.max_call_depth)

    workflow.script_engine.case["actor"] = actor  # service operations act on the actor's behalf
    try:
        completed = step() if step is not None else None
        if completed is not None:
            guard(completed)
        workflow.do_engine_steps(will_complete_task=track, did_complete_task=guard)
        projection.resolve_open_tasks(workflow, config.clock.now())
    except SpiffWorkflowException as exc:
        cause = getattr(exc, "exception", None) or exc.__cause__
        if isinstance(cause, SQLAlchemyError | Conflict):
            raise cause from exc
        _record_error(config, uow, row, actor, describe_failure(workflow, exc, running[0]), exc)


class TooDeep(WorkflowTaskException):
    def __init__(self, task, limit: int):
        super().__init__(
            f"the case history is {task.depth} steps deep, over the limit of {limit}: "
            "a loop in the diagram repeats without bound",
            task=task,
        )


def _check_call_depth(workflow, limit: int) -> None:
    """Raise ``TooNested`` when more than ``limit`` call activities lead to ``workflow``
    (embedded subprocesses nest too, but do not count)."""
    calls = []
    while workflow.parent_workflow is not None:
        caller = workflow.top_workflow.get_task_from_id(workflow.parent_task_id)
        if isinstance(caller.task_spec, CallActivity):
            calls.append(caller)
        workflow = caller.workflow
    if len(calls) > limit:
        raise TooNested(calls[0], limit)


class TooNested(WorkflowTaskException):
    def __init__(self, call, limit: int):
        super().__init__(
            f"call activities are nested more than {limit} deep here: a process that calls itself, "
            f"directly or through other processes ('{call.task_spec.spec}'), never ends",
            task=call,
        )


def _record_error(config, uow, row, actor, failure: dict, exc) -> None:
    row.error = {
        **failure,
        "line": getattr(exc, "line_number", None) or None,
        "at": format_moment(config.clock.now()),
    }
    row.status = "error"
    log.warning("instance %s failed at %s: %s", row.id, row.error["element_id"], row.error["message"])
    audit.record(uow, actor, "instance_error", config.clock.now(), row, error=row.error)


def save(config, uow, row: ProcessInstance, workflow: BpmnWorkflow, actor) -> None:
    """Write the workflow's state and every table derived from it to the session."""
    now = config.clock.now()
    if row.status == "running" and workflow.is_completed():
        row.status = "completed"
        row.ended_at = now
        audit.record(uow, actor, "instance_completed", now, row)
    if row.parent_instance_id and row.status in CLOSED_STATUSES:
        projection.child_closed(uow, row, now)
    frontier = workflow.get_tasks(state=_FRONTIER)
    row.serialized = dump_workflow(workflow)
    row.variables = to_json_data(_variables(workflow, frontier))
    row.updated_at = now
    ready = [t for t in frontier if t.state == TaskState.READY and t.task_spec.manual]
    calendar = workflow.script_engine.calendar
    tasks_incomplete = projection.sync_tasks(config, uow, row, ready, actor, now, calendar)
    projection.sync_subscriptions(uow, row, workflow)
    projection.sync_timer_jobs(uow, row, workflow, now)
    clock_start = uow.session.get(ProcessDefinition, row.definition_id).properties.get("statutoryClockStart")
    projection.start_statutory_clock(uow, actor, row, workflow, clock_start, now)
    statutory_complete = projection.sync_statutory_clock(uow, actor, row, frontier, now, calendar)
    timers_incomplete = any(
        spiff_compat.get_internal(t, "calendar_incomplete") for t in workflow.event_manager.tasks.values()
    )
    row.calendar_incomplete = tasks_incomplete or timers_incomplete or not statutory_complete
    for hook in AFTER_SAVE_HOOKS:
        hook(config, uow, row, workflow, actor)


def _variables(workflow: BpmnWorkflow, frontier) -> dict:
    if workflow.is_completed():
        data = dict(workflow.last_task.data) if workflow.last_task is not None else {}
        data.update(workflow.data)
        return data
    data = {}
    for task in sorted(frontier, key=lambda t: t.workflow is not workflow):
        data.update(task.data)
    return data


def new_instance_id() -> str:
    return str(uuid4())
