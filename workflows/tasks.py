"""Use cases on human tasks: the worklist, claiming and completing."""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass
from uuid import UUID

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import exists, func, or_, select

from workflows.access import (
    applicant_task,
    bound_institution,
    form_fields,
    is_admin,
    may_oversee_tasks,
    may_work_on,
    operation_allowed,
    require_operation,
    visible_data,
    visible_names,
)
from workflows.engine import runtime
from workflows.engine.completion_rules import check_answer
from workflows.engine.forms import validate_form_data, with_defaults
from workflows.engine.serialization import to_json_data
from workflows.errors import Conflict, NotFound, NotPermitted
from workflows.instances import InstanceView, instance_view, is_uuid
from workflows.persistence import audit
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import (
    OPEN_TASK_STATES,
    Form,
    ProcessDefinition,
    ProcessInstance,
    Task,
    TaskCandidateGroup,
)
from workflows.registries.form_references import check_registry_references

# What completing a task means beyond the diagram (installed by ``workflows.wiring``):
# ``AD_HOC_COMPLETIONS[kind](config, uow, actor, task, row, data)`` completes a task the engine
# does not know (an added signer's); ``COMPLETION_HOOKS`` see a checked answer to an engine
# task first, and one that returns True has taken it (a delegate's answer, answers held
# until added signers are done): the engine step does not run now.
AD_HOC_COMPLETIONS: dict = {}
COMPLETION_HOOKS: list = []


@dataclass
class TaskDetail:
    task: Task
    form_schema: dict | None
    ui_schema: dict | None
    data: dict


def worklist(config, actor, filters: dict, page: int, page_size: int) -> tuple[list[Task], int]:
    """Tasks assigned to ``actor`` plus unassigned tasks of their groups, due first.

    With ``overdue`` or ``level``, supervisors (效能监察) see every open task, not just theirs.
    """
    now = config.clock.now()
    stmt = open_tasks(actor, filters, now)
    with UnitOfWork(config.sessions) as uow:
        total = uow.session.scalar(select(func.count()).select_from(stmt.subquery()))
        rows = uow.session.scalars(
            stmt.order_by(Task.due_at.asc().nulls_last(), Task.created_at, Task.id)
            .offset((page - 1) * page_size)
            .limit(page_size)
        ).all()
        if bound_institution(actor) is not None:
            return [applicant_task(t.with_oversight(now), actor) for t in rows], total
        return [t.with_oversight(now) for t in rows], total


def open_tasks(actor, filters: dict, now):
    """The query of the open tasks ``actor`` may work on that match the worklist's ``filters``
    (with ``mine``, a supervisor filtering by level sees only their own tasks too)."""
    stmt = select(Task).where(Task.state == "ready", Task.held.is_(None))
    oversight = (filters.get("overdue") is not None or filters.get("level")) and not filters.get("mine")
    if not (oversight and may_oversee_tasks(actor)):
        mine = Task.assignee == actor.name
        of_my_groups = Task.assignee.is_(None) & exists().where(
            TaskCandidateGroup.task_id == Task.id, TaskCandidateGroup.group_name.in_(actor.groups)
        )
        stmt = stmt.where(or_(mine, of_my_groups))
    if (code := bound_institution(actor)) is not None:
        stmt = stmt.where(
            Task.instance_id.in_(select(ProcessInstance.id).where(ProcessInstance.applicant_code == code))
        )
    stmt = _oversight_filter(stmt, filters, now)
    for name in ("process_key", "business_key", "bpmn_id"):
        if filters.get(name):
            stmt = stmt.where(getattr(Task, name) == filters[name])
    if filters.get("due_before"):
        stmt = stmt.where(Task.due_at < filters["due_before"])
    return stmt


def _oversight_filter(stmt, filters: dict, now):
    if filters.get("overdue") is True:
        stmt = stmt.where(Task.due_at < now)
    elif filters.get("overdue") is False:
        stmt = stmt.where(or_(Task.due_at.is_(None), Task.due_at >= now))
    level = filters.get("level")
    if level == "alarm":
        stmt = stmt.where(Task.due_at < now)
    elif level == "warning":
        stmt = stmt.where(Task.warn_at <= now, Task.due_at >= now)
    elif level == "reminder":
        stmt = stmt.where(Task.remind_at <= now, Task.warn_at > now)
    elif level == "normal":
        stmt = stmt.where(or_(Task.remind_at.is_(None), Task.remind_at > now))
    return stmt


def load_task(uow, actor, task_id: str) -> Task:
    """The task as ``actor`` may address it (see ``_task``), for the task operations' use cases."""
    return _task(uow, actor, task_id)


def _task(uow, actor, task_id: str) -> Task:
    """The task; for an applicant's account only a task of its own institution's case that it
    may work on, anything else is "not found"."""
    row = uow.session.get(Task, task_id) if is_uuid(task_id) else None
    if row is not None and (code := bound_institution(actor)) is not None:
        case_code = uow.session.scalar(
            select(ProcessInstance.applicant_code).where(ProcessInstance.id == row.instance_id)
        )
        if case_code != code or not may_work_on(actor, row):
            row = None
    if row is None:
        raise NotFound(f"task {task_id} does not exist")
    return row


def _check_permitted(actor, task: Task, may_read_all: bool = False) -> None:
    if not (may_work_on(actor, task) or (may_read_all and is_admin(actor))):
        raise NotPermitted("this task belongs to a group you are not in")


def allowed_actions(actor, task) -> frozenset[str]:
    """What ``actor`` may do with ``task`` now: the checks ``claim_task``, ``unclaim_task`` and
    ``complete_task`` make, so a page offers exactly the controls that will succeed."""
    if task.state != "ready" or task.held is not None:
        return frozenset()
    actions = set()
    if may_work_on(actor, task) and task.assignee in (None, actor.name):
        actions.add("complete")
        if task.assignee is None:
            actions.add("claim")
    if task.assignee is not None and (task.assignee == actor.name or is_admin(actor)):
        actions.add("release")
    return frozenset(a for a in actions if operation_allowed(task, a))


def get_task(config, actor, task_id: str) -> TaskDetail:
    with UnitOfWork(config.sessions) as uow:
        task = _task(uow, actor, task_id)
        _check_permitted(actor, task, may_read_all=True)
        form = uow.session.get(Form, task.form_hash) if task.form_hash else None
        data = {}
        if task.state in OPEN_TASK_STATES and task.kind == "user":
            row = uow.session.get(ProcessInstance, task.instance_id)
            workflow = runtime.open_workflow(config, uow, row)
            spiff_task = workflow.get_task_from_id(UUID(task.id))
            data = to_json_data(spiff_task.data)
            if bound_institution(actor) is not None:
                names = _visible_names(uow, row, spiff_task.workflow.spec.name)
                data = visible_data(data, names | form_fields(form.schema if form else None))
        if task.submitted_data:  # answers kept: a delegate's, or those held for added signers
            data = {**data, **task.submitted_data}
        task.with_oversight(config.clock.now())
        if bound_institution(actor) is not None:
            task = applicant_task(task, actor)
        return TaskDetail(task, form.schema if form else None, form.ui_schema if form else None, data)


def _visible_names(uow, row: ProcessInstance, process_key: str) -> set[str]:
    """What the process the task belongs to (the case's own, or a called one) shows applicants."""
    definition_id = row.called_definitions.get(process_key, row.definition_id)
    return visible_names(uow.session.get(ProcessDefinition, definition_id).properties or {})


def claim_task(config, actor, task_id: str) -> Task:
    with UnitOfWork(config.sessions) as uow:
        task = _task(uow, actor, task_id)
        _check_permitted(actor, task)
        _check_open(task)
        require_operation(task, "claim")
        if task.assignee == actor.name:
            return task
        if task.assignee is not None:
            raise Conflict(f"the task is already claimed by {task.assignee}")
        task.assignee = actor.name
        audit.record(uow, actor, "task_claimed", config.clock.now(), _instance(uow, task), task.id)
        uow.commit()
        return task.with_oversight(config.clock.now())


def unclaim_task(config, actor, task_id: str) -> Task:
    with UnitOfWork(config.sessions) as uow:
        task = _task(uow, actor, task_id)
        _check_open(task)
        if task.assignee is None:
            raise Conflict("the task is not claimed")
        if task.assignee != actor.name and not is_admin(actor):
            raise Conflict(f"the task is claimed by {task.assignee}; only they can release it")
        previous, task.assignee = task.assignee, None
        audit.record(
            uow,
            actor,
            "task_unclaimed",
            config.clock.now(),
            _instance(uow, task),
            task.id,
            previous_assignee=previous,
        )
        uow.commit()
        return task.with_oversight(config.clock.now())


def _check_open(task: Task) -> None:
    if task.state == "suspended":
        raise Conflict("the case is suspended")
    if task.state != "ready":
        raise Conflict(f"the task is {task.state}")


def _instance(uow, task: Task) -> ProcessInstance:
    return uow.session.get(ProcessInstance, task.instance_id)


def complete_task(config, actor, task_id: str, data: dict) -> tuple[Task, InstanceView]:
    """Validate ``data`` against the task's form and complete the task, in one transaction.

    Runs under the instance lock; of two concurrent completions exactly one
    succeeds and the other sees a conflict. An unclaimed task is claimed implicitly.
    """
    with UnitOfWork(config.sessions) as uow:
        task, row = complete_task_in(config, uow, actor, task_id, data)
        uow.commit()
        now = config.clock.now()
        return task.with_oversight(now), instance_view(uow, row, now, actor)


def complete_task_in(config, uow, actor, task_id: str, data: dict) -> tuple[Task, ProcessInstance]:
    """Complete the task in the caller's unit of work (the caller commits): the step that
    ``complete_task`` and use cases acting through a task (a portal's supplements) share."""
    task = _task(uow, actor, task_id)
    row = runtime.lock_instance(uow, task.instance_id)
    uow.session.refresh(task)
    _check_permitted(actor, task)
    _check_open(task)
    if task.assignee not in (None, actor.name):
        raise Conflict(f"the task is claimed by {task.assignee}")
    if row.status != "running":
        raise Conflict(f"the case is {row.status}")
    require_operation(task, "complete")
    if task.kind in AD_HOC_COMPLETIONS:
        return AD_HOC_COMPLETIONS[task.kind](config, uow, actor, task, row, data), row
    schema = uow.session.get(Form, task.form_hash).schema if task.form_hash else None
    if schema is not None:
        data = with_defaults(schema, data)
        validate_form_data(schema, data, "/data")
        check_registry_references(uow.session, schema, data, "/data")
    workflow = runtime.open_workflow(config, uow, row)
    spiff_task = workflow.get_task_from_id(UUID(task.id))
    if spiff_task.state != TaskState.READY:
        raise Conflict("the task is no longer ready")
    check_answer(workflow.script_engine, spiff_task, schema, data, "/data")
    if any(hook(config, uow, actor, task, row, data) for hook in COMPLETION_HOOKS):
        return task, row
    _record_completion(config, uow, actor, task, row, data)
    runtime.run(config, uow, row, workflow, actor, step=lambda: _submit(spiff_task, data))
    runtime.save(config, uow, row, workflow, actor)
    return task, row


def finish_completion_in(config, uow, actor, task: Task, row: ProcessInstance, data: dict) -> None:
    """Run the engine step of an answer checked and kept earlier (by ``actor``, who gave it),
    in the caller's unit of work: the last added signer after it is done."""
    workflow = runtime.open_workflow(config, uow, row)
    spiff_task = workflow.get_task_from_id(UUID(task.id))
    if spiff_task is None or spiff_task.state != TaskState.READY:
        raise Conflict("the task is no longer ready")
    task.held = None
    _record_completion(config, uow, actor, task, row, data)
    runtime.run(config, uow, row, workflow, actor, step=lambda: _submit(spiff_task, data))
    runtime.save(config, uow, row, workflow, actor)


def _record_completion(config, uow, actor, task: Task, row: ProcessInstance, data: dict) -> None:
    """The task row and the audit entry of a completion (an unclaimed task is claimed now)."""
    now = config.clock.now()
    implicit_claim = task.assignee is None
    task.state, task.assignee, task.completed_at, task.completed_by = (
        "completed",
        actor.name,
        now,
        actor.name,
    )
    task.submitted_data = data
    audit.record(
        uow,
        actor,
        "task_completed",
        now,
        row,
        task.id,
        element_id=task.bpmn_id,
        data=data,
        implicit_claim=implicit_claim,
    )


def _submit(spiff_task, data: dict):
    """The answer replaces each variable it names (``task_data``); the form's ``variable``
    attribute, when a Spiff user task has one, puts the whole answer into that variable."""
    spec = spiff_task.task_spec
    if hasattr(spec, "add_data_from_form"):
        spec.add_data_from_form(spiff_task, data)
    else:
        spiff_task.data.update(deepcopy(data))
    spiff_task.run()
    return spiff_task
