"""Use cases on process instances: start, read, list and history (administration: ``case_administration``)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select

from workflows.access import (
    INTERNAL_GROUPS,
    applicant_code,
    applicant_history,
    applicant_task,
    bound_institution,
    is_internal,
    may_read_every_case,
    may_start,
    takes_part,
    visible_data,
    visible_names,
)
from workflows.clock import format_moment, parse_moment
from workflows.deadlines import limits as deadlines
from workflows.engine import runtime, spiff_compat
from workflows.engine.forms import validate_form_data, with_defaults
from workflows.errors import Conflict, FieldError, InvalidInput, NotFound, NotPermitted
from workflows.persistence import audit, idempotency
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import (
    ACTIVE_STATUSES,
    OPEN_TASK_STATES,
    AuditEvent,
    CaseCopy,
    Form,
    ProcessDefinition,
    ProcessInstance,
    Task,
    TaskCandidateGroup,
)
from workflows.registries.form_references import check_registry_references
from workflows.registries.restrictions import admit_application
from workflows.waiting import waiting_for


@dataclass
class InstanceView:
    id: str
    process_key: str
    business_key: str | None
    status: str
    definition_id: int
    definition_version: int
    variables: dict
    error: dict | None
    started_at: datetime
    started_by: str | None
    ended_at: datetime | None
    active_tasks: list[Task]
    statutory_limit: str | None
    statutory_started_at: datetime | None
    statutory_due_at: datetime | None
    clock_pauses: list
    calendar_incomplete: bool
    waiting_for: dict | None = None

    @property
    def clock_paused(self) -> bool:
        return any(not p.get("to") for p in self.clock_pauses)


def instance_view(uow, row: ProcessInstance, now: datetime, actor=None) -> InstanceView:
    """The case; for an applicant's account (``actor``), only what it may see of it."""
    version, properties = uow.session.execute(
        select(ProcessDefinition.version, ProcessDefinition.properties).where(
            ProcessDefinition.id == row.definition_id
        )
    ).one()
    tasks = uow.session.scalars(
        select(Task)
        .where(Task.instance_id == row.id, Task.state.in_(OPEN_TASK_STATES))
        .order_by(Task.created_at)
    ).all()
    view = InstanceView(
        row.id,
        row.process_key,
        row.business_key,
        row.status,
        row.definition_id,
        version,
        row.variables,
        row.error,
        row.started_at,
        row.started_by,
        row.ended_at,
        [t.with_oversight(now) for t in tasks],
        row.statutory_limit,
        row.statutory_started_at,
        row.statutory_due_at,
        list(row.clock_pauses or []),
        row.calendar_incomplete,
    )
    if actor is None or bound_institution(actor) is None:
        return view
    return replace(
        view,
        variables=visible_data(row.variables, visible_names(properties or {})),
        error=None,
        started_by=row.started_by if row.started_by == actor.name else None,
        active_tasks=[applicant_task(t, actor) for t in view.active_tasks if not is_internal(t)],
    )


def start_instance(
    config,
    actor,
    key: str,
    business_key: str | None,
    variables: dict,
    version: int | None = None,
    idempotency_key: str | None = None,
) -> tuple[InstanceView, bool]:
    """Start a case; returns the view and whether it was created now (not replayed).

    With an ``idempotency_key`` a retried start returns the first result; the same
    key with a different request is a conflict.
    """
    fingerprint = idempotency.request_hash([key, business_key, variables, version])
    with UnitOfWork(config.sessions) as uow:
        if idempotency_key:
            replayed = idempotency.replayed_instance(uow, actor, idempotency_key, fingerprint)
            if replayed is not None:
                row = uow.session.get(ProcessInstance, replayed)
                return instance_view(uow, row, config.clock.now(), actor), False
        definition = _definition_to_start(uow, key, version)
        variables = _checked_start(config, uow, actor, definition, business_key, variables)
        row = create_instance(config, uow, actor, definition, business_key, variables)
        if idempotency_key:
            idempotency.remember(uow, actor, idempotency_key, fingerprint, row.id, row.started_at)
        uow.commit()
        return instance_view(uow, row, config.clock.now(), actor), True


def _checked_start(config, uow, actor, definition, business_key, variables: dict) -> dict:
    """Whether ``actor`` may start this case now: permission, start form (its defaults
    filled in: the variables to start with), own institution, no active duplicate,
    the moment of receipt, restrictions on the applicant."""
    if not may_start(actor, definition.starter_groups):
        raise NotPermitted(f"you may not start '{definition.key}'")
    if definition.start_form:
        schema = uow.session.get(Form, definition.start_form).schema
        variables = with_defaults(schema, variables)
        validate_form_data(schema, variables, "/variables")
        check_registry_references(uow.session, schema, variables, "/variables")
    _check_own_institution(actor, definition, variables)
    _check_no_active_duplicate(uow, definition.key, business_key)
    _check_received_at(variables.get("received_at"), config.clock.now())
    admit_application(config, uow, actor, definition, variables, business_key, "/variables")
    return variables


def _definition_to_start(uow, key: str, version: int | None) -> ProcessDefinition:
    if version is None:
        definition = runtime.latest_definition(uow, key)
    else:
        definition = uow.session.scalar(
            select(ProcessDefinition).where(
                ProcessDefinition.key == key, ProcessDefinition.version == version
            )
        )
    if definition is None:
        raise NotFound(f"process definition '{key}'{f' version {version}' if version else ''} does not exist")
    return definition


def _check_received_at(value, now) -> None:
    """A case registered after its receipt (收件) names that moment: an ISO date-time, not later than now."""
    if value is None:
        return
    try:
        received = parse_moment(value) if isinstance(value, str) else None
    except ValueError:
        received = None
    if received is None or received > now:
        message = "when the application was received: an ISO date-time, not in the future"
        raise InvalidInput(
            f"received_at is invalid: {message}", [FieldError("/variables/received_at", message)]
        )


def _check_own_institution(actor, definition: ProcessDefinition, variables: dict) -> None:
    code = bound_institution(actor)
    if code is not None and applicant_code(definition.properties, variables, definition.key) != code:
        raise NotPermitted(f"an applicant account applies only for its own institution ({code})")


def _check_no_active_duplicate(uow, key: str, business_key: str | None) -> None:
    if business_key is None:
        return
    existing = uow.session.scalar(
        select(ProcessInstance.id).where(
            ProcessInstance.process_key == key,
            ProcessInstance.business_key == business_key,
            ProcessInstance.status.in_(ACTIVE_STATUSES),
        )
    )
    if existing is not None:
        raise Conflict(
            f"an active '{key}' instance with business key '{business_key}' already exists",
            instance_id=existing,
        )


def create_instance(
    config, uow, actor, definition, business_key, variables, parent_instance_id=None
) -> ProcessInstance:
    """Create and run a new case in the caller's unit of work (no permission checks)."""
    now = config.clock.now()
    called = runtime.resolve_called(uow, definition)
    row = ProcessInstance(
        id=runtime.new_instance_id(),
        definition_id=definition.id,
        process_key=definition.key,
        business_key=business_key,
        status="running",
        serialized="",
        variables={},
        called_definitions=called,
        started_at=now,
        started_by=actor.name,
        updated_at=now,
        parent_instance_id=parent_instance_id,
        applicant_code=applicant_code(definition.properties, variables, definition.key),
    )
    uow.session.add(row)
    workflow = runtime.new_workflow(config, uow, row, definition, called)
    start = workflow.get_next_task(state=TaskState.READY)
    variables = {"received_at": format_moment(now), **variables}
    start.data.update(variables)
    _fire_timer_start_events(workflow)
    _start_statutory_clock(row, definition.properties, variables, now)
    audit.record(uow, actor, "instance_started", now, row, version=definition.version, variables=variables)
    runtime.run(config, uow, row, workflow, actor)
    runtime.save(config, uow, row, workflow, actor)
    uow.flush()
    return row


def _fire_timer_start_events(workflow) -> None:
    """A case of a timer-started process starts now: its start timer counts as fired."""
    for task in workflow.get_tasks(state=TaskState.FUTURE | TaskState.LIKELY | TaskState.MAYBE):
        if isinstance(task.task_spec, StartEvent) and isinstance(
            getattr(task.task_spec, "event_definition", None), TimerEventDefinition
        ):
            spiff_compat.set_internal(task, event_fired=True)


def _start_statutory_clock(row, properties: dict, variables: dict, now) -> None:
    """The case's overall limit (``statutoryLimit``).

    With ``statutoryClockStart`` it starts when that element completes (``projection``);
    without it, now or at the moment in the variable ``statutoryStart`` names.
    """
    row.statutory_limit, row.clock_pauses = properties.get("statutoryLimit"), []
    if row.statutory_limit and not properties.get("statutoryClockStart"):
        row.statutory_started_at = deadlines.clock_start(
            variables.get(properties.get("statutoryStart", "")), now
        )


def readable_keys(uow, actor) -> set[str] | None:
    """Process keys whose instances ``actor`` may read; None means all (admin)."""
    if may_read_every_case(actor):
        return None
    rows = uow.session.execute(select(ProcessDefinition.key, ProcessDefinition.lane_groups)).all()
    return {key for key, groups in rows if takes_part(actor, groups)}


def _readable_instance(uow, actor, instance_id: str) -> ProcessInstance:
    """The case if ``actor`` may read it; an applicant's account gets "not found" for any other."""
    row = uow.session.get(ProcessInstance, instance_id) if is_uuid(instance_id) else None
    code = bound_institution(actor)
    if row is None or (code is not None and row.applicant_code != code):
        raise NotFound(f"process instance {instance_id} does not exist")
    keys = readable_keys(uow, actor)
    if keys is not None and row.process_key not in keys and not _copied_to(uow, actor, row.id):
        if code is not None:
            raise NotFound(f"process instance {instance_id} does not exist")
        raise NotPermitted("none of your groups takes part in this process")
    return row


def readable_instance(uow, actor, instance_id: str) -> ProcessInstance:
    """The case if ``actor`` may read it (its process, or a copy sent to them: 抄送)."""
    return _readable_instance(uow, actor, instance_id)


def _copied_to(uow, actor, instance_id: str) -> bool:
    copy = select(CaseCopy.id).where(CaseCopy.instance_id == instance_id, CaseCopy.user_name == actor.name)
    return uow.session.scalar(copy) is not None


def is_uuid(value: str) -> bool:
    """Whether an id from a URL can be a case or task id (so malformed ids are simply 404)."""
    try:
        UUID(value)
    except ValueError:
        return False
    return True


def get_instance(config, actor, instance_id: str) -> InstanceView:
    """The case, with what it waits for (timers, messages, jobs) when the reader is staff."""
    with UnitOfWork(config.sessions) as uow:
        row = _readable_instance(uow, actor, instance_id)
        view = instance_view(uow, row, config.clock.now(), actor)
        if bound_institution(actor) is None:
            view.waiting_for = waiting_for(uow, row)
        return view


def list_instances(config, actor, filters: dict, page: int, page_size: int) -> tuple[list[InstanceView], int]:
    with UnitOfWork(config.sessions) as uow:
        stmt = select(ProcessInstance)
        keys = readable_keys(uow, actor)
        if keys is not None:
            copied = select(CaseCopy.instance_id).where(CaseCopy.user_name == actor.name)
            stmt = stmt.where(ProcessInstance.process_key.in_(keys) | ProcessInstance.id.in_(copied))
        if (code := bound_institution(actor)) is not None:
            stmt = stmt.where(ProcessInstance.applicant_code == code)
        for name in ("process_key", "status", "business_key"):
            if filters.get(name) is not None:
                stmt = stmt.where(getattr(ProcessInstance, name) == filters[name])
        total = uow.session.scalar(select(func.count()).select_from(stmt.subquery()))
        rows = uow.session.scalars(
            stmt.order_by(ProcessInstance.started_at.desc(), ProcessInstance.id)
            .offset((page - 1) * page_size)
            .limit(page_size)
        ).all()
        return [instance_view(uow, r, config.clock.now(), actor) for r in rows], total


def instance_history(config, actor, instance_id: str) -> list[AuditEvent]:
    with UnitOfWork(config.sessions) as uow:
        row = _readable_instance(uow, actor, instance_id)
        events = list(
            uow.session.scalars(
                select(AuditEvent).where(AuditEvent.instance_id == row.id).order_by(AuditEvent.id)
            )
        )
        if bound_institution(actor) is None:
            return events
        internal = uow.session.scalars(
            select(TaskCandidateGroup.task_id)
            .join(Task, Task.id == TaskCandidateGroup.task_id)
            .where(Task.instance_id == row.id, TaskCandidateGroup.group_name.in_(INTERNAL_GROUPS))
        )
        return applicant_history(events, actor, set(internal))


def instance_tasks(config, actor, instance_id: str) -> list[Task]:
    """Every human task of the case, open and done, in the order they arose (流转记录: by their
    ``task_created`` audit event, which orders tasks created at the same moment)."""
    with UnitOfWork(config.sessions) as uow:
        row = _readable_instance(uow, actor, instance_id)
        created = (
            select(AuditEvent.task_id, func.min(AuditEvent.id).label("seq"))
            .where(AuditEvent.instance_id == row.id, AuditEvent.action == "task_created")
            .group_by(AuditEvent.task_id)
            .subquery()
        )
        rows = uow.session.scalars(
            select(Task)
            .outerjoin(created, created.c.task_id == Task.id)
            .where(Task.instance_id == row.id)
            .order_by(Task.created_at, created.c.seq, Task.id)
        ).all()
        now = config.clock.now()
        if bound_institution(actor) is None:
            return [t.with_oversight(now) for t in rows]
        return [applicant_task(t.with_oversight(now), actor) for t in rows if not is_internal(t)]
