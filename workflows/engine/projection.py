"""Tables derived from a case's SpiffWorkflow state, rewritten on every save.

The worklist (one row per human task, with its deadline), message subscriptions,
timer jobs and the statutory clock are projections of the workflow: queries read them,
the workflow stays the single source of truth.
"""

from __future__ import annotations

from uuid import UUID

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import delete, select

from workflows.clock import format_moment, parse_moment
from workflows.deadlines import limits as deadlines
from workflows.engine import spiff_compat
from workflows.engine.message_specs import correlation_values
from workflows.engine.step_properties import ALLOWED_OPERATIONS
from workflows.persistence import audit
from workflows.persistence.models import (
    CLOSED_STATUSES,
    OPEN_TASK_STATES,
    Job,
    MessageSubscription,
    Task,
    TaskCandidateGroup,
)

# ``hook(uow, row, task_row, now)`` for every new worklist row (substitutes, automatic approval);
# installed by ``workflows.wiring``.
NEW_TASK_HOOKS: list = []


def meta(task_spec) -> dict:
    return (getattr(task_spec, "extensions", None) or {}).get("meta") or {}


def sync_tasks(config, uow, row, ready, actor, now, calendar) -> bool:
    """Rows for the ready human tasks; rows of tasks no longer ready are cancelled.

    Returns whether an open task's due date reaches a year without calendar data.
    """
    session = uow.session
    open_rows = {
        t.id: t
        for t in session.scalars(
            select(Task).where(
                Task.instance_id == row.id, Task.state.in_(OPEN_TASK_STATES), Task.kind == "user"
            )
        )
    }
    ready_by_id = {str(t.id): t for t in ready}
    _cancel_closed(session, open_rows, ready_by_id, now)
    state = "suspended" if row.status == "suspended" else "ready"
    still_open = [t for task_id, t in open_rows.items() if task_id in ready_by_id]
    for task_id, spiff_task in ready_by_id.items():
        if task_id in open_rows:
            continue
        task_row = session.get(Task, task_id)
        if task_row is not None:
            task_row.state, task_row.assignee = state, _resolved(spiff_task).get("assignee")
            task_row.completed_at = task_row.completed_by = None
            _apply_deadline(config, task_row, spiff_task, now, calendar)
        else:
            task_row = _new_task_row(row, task_id, spiff_task, state, now)
            session.add(task_row)
            _apply_deadline(config, task_row, spiff_task, now, calendar)
            audit.record(
                uow, actor, "task_created", now, row, task_id, element_id=spiff_task.task_spec.bpmn_id
            )
            for hook in NEW_TASK_HOOKS:
                hook(uow, row, task_row, now)
        still_open.append(task_row)
    return any(t.calendar_incomplete for t in still_open)


def _cancel_closed(session, open_rows: dict, ready_by_id: dict, now) -> None:
    """Rows of tasks no longer ready are cancelled, with their added signers' open tasks."""
    for task_id, task_row in open_rows.items():
        if task_id in ready_by_id:
            continue
        task_row.state, task_row.completed_at = "cancelled", now
        for added in session.scalars(
            select(Task).where(Task.parent_task_id == task_id, Task.state.in_((*OPEN_TASK_STATES, "pending")))
        ):
            added.state, added.completed_at = "cancelled", now


def resolve_open_tasks(workflow, now) -> None:
    """Note when open activities with a ``deadline`` started, then resolve the ready human tasks."""
    open_tasks = workflow.get_tasks(state=TaskState.READY | TaskState.STARTED)
    for task in open_tasks:
        if (
            task.state == TaskState.STARTED
            and _deadline_of(task)
            and not spiff_compat.get_internal(task, "started_at")
        ):
            spiff_compat.set_internal(task, started_at=format_moment(now))
    for task in open_tasks:
        if task.state == TaskState.READY and task.task_spec.manual:
            resolve_task_expressions(task)


def _deadline_of(task) -> str | None:
    return meta(task.task_spec).get("properties", {}).get("deadline")


def resolve_task_expressions(spiff_task) -> None:
    """Evaluate a ready task's assignee, group and clock-start expressions, once.

    Called while the engine runs, so a failing expression puts the case in error
    (naming the task) instead of producing a task nobody can see.
    """
    if spiff_compat.get_internal(spiff_task, "resolved") is not None:
        return
    task_meta = meta(spiff_task.task_spec)
    properties = task_meta.get("properties", {})
    try:
        resolved = {
            "groups": _groups(spiff_task, task_meta.get("candidate_groups", [])),
            "assignee": _text(spiff_task, task_meta.get("assignee")),
            "clock_start": _text(spiff_task, properties.get("deadlineStart")),
            "enclosing_deadline": None if properties.get("deadline") else _enclosing_deadline(spiff_task),
        }
    except Exception as exc:
        raise WorkflowTaskException(
            f"cannot resolve who does '{spiff_task.task_spec.bpmn_id}': {exc}", task=spiff_task, exception=exc
        ) from exc
    spiff_compat.set_internal(spiff_task, resolved=resolved)


def _enclosing_deadline(spiff_task) -> dict | None:
    """The deadline of the nearest enclosing activity (subprocess, call activity, multi-instance)
    that has one, for a task without its own: a reviewer's confirmation inside the 3WD
    confirmation step is due when the step is."""
    workflow = spiff_task.workflow
    while getattr(workflow, "parent_task_id", None):
        activity = workflow.parent_workflow.get_task_from_id(workflow.parent_task_id)
        spec = _deadline_of(activity)
        if spec:
            whole = activity.parent
            if whole is not None and whole.task_spec.bpmn_id == activity.task_spec.bpmn_id:
                activity = whole  # one instance of a multi-instance: the limit is the whole activity's
            start = _text(activity, meta(activity.task_spec)["properties"].get("deadlineStart"))
            return {"spec": spec, "start": start or spiff_compat.get_internal(activity, "started_at")}
        workflow = activity.workflow
    return None


def _evaluate(spiff_task, expression: str):
    return spiff_task.workflow.script_engine.environment.evaluate(expression, spiff_task.data)


def _groups(spiff_task, groups: list[str]) -> list[str]:
    resolved = []
    for group in groups:
        value = _evaluate(spiff_task, group) if group.strip().startswith("${") else group
        resolved.extend([value] if isinstance(value, str) else list(value or []))
    return sorted({str(g) for g in resolved if g})


def _text(spiff_task, expression: str | None):
    if not expression:
        return None
    value = _evaluate(spiff_task, expression)
    return None if value in (None, "") else value if not isinstance(value, str | int) else str(value)


def _resolved(spiff_task) -> dict:
    """The resolved expressions; without them (a case in error), the task's literal groups."""
    resolved = spiff_compat.get_internal(spiff_task, "resolved")
    if resolved is None:
        groups = [g for g in meta(spiff_task.task_spec).get("candidate_groups", []) if not g.startswith("${")]
        resolved = {"groups": groups, "assignee": None, "clock_start": None}
    return resolved


def refresh_open_task_rows(uow, row, workflow) -> None:
    """Bring the open worklist rows in line with their tasks' specs (after a migration):
    name, lane, form and candidate groups as the new version defines them."""
    for task_row in uow.session.scalars(
        select(Task).where(Task.instance_id == row.id, Task.state.in_(OPEN_TASK_STATES))
    ):
        spiff_task = workflow.get_task_from_id(UUID(task_row.id))
        if spiff_task is None:
            continue
        spec = spiff_task.task_spec
        task_row.name, task_row.lane = spec.bpmn_name or spec.bpmn_id, spec.lane
        task_row.form_hash = meta(spec).get("form_hash")
        groups = sorted(set(_resolved(spiff_task).get("groups", [])))
        if groups != task_row.candidate_groups:
            task_row.candidates = [TaskCandidateGroup(group_name=g) for g in groups]


def _new_task_row(row, task_id, spiff_task, state, now) -> Task:
    spec = spiff_task.task_spec
    task_meta = meta(spec)
    resolved = _resolved(spiff_task)
    return Task(
        id=task_id,
        instance_id=row.id,
        process_key=row.process_key,
        business_key=row.business_key,
        bpmn_id=spec.bpmn_id,
        name=spec.bpmn_name or spec.bpmn_id,
        lane=spec.lane,
        form_hash=task_meta.get("form_hash"),
        state=state,
        created_at=now,
        assignee=resolved.get("assignee"),
        candidates=[TaskCandidateGroup(group_name=g) for g in resolved.get("groups", [])],
        allowed_operations=task_meta.get("properties", {}).get(ALLOWED_OPERATIONS),
    )


def _apply_deadline(config, task_row: Task, spiff_task, now, calendar) -> None:
    resolved = _resolved(spiff_task)
    spec, start = _deadline_of(spiff_task), resolved.get("clock_start")
    if not spec and resolved.get("enclosing_deadline"):
        spec, start = resolved["enclosing_deadline"]["spec"], resolved["enclosing_deadline"]["start"]
    if spec:
        set_deadline(config, task_row, spec, deadlines.clock_start(start, now), calendar)


def set_deadline(config, task_row: Task, spec: str, start, calendar) -> None:
    deadline = deadlines.compute(calendar, spec, start, config.oversight_thresholds)
    task_row.deadline, task_row.clock_started_at = spec, deadline.started_at
    task_row.due_at, task_row.remind_at, task_row.warn_at = (
        deadline.due_at,
        deadline.remind_at,
        deadline.warn_at,
    )
    task_row.calendar_incomplete = not deadline.complete


def sync_subscriptions(uow, row, workflow) -> None:
    waiting = {}
    if row.status not in CLOSED_STATUSES:
        waiting = {
            (str(t.id), definition.name, t.task_spec.bpmn_id): (t, definition)
            for t, definition in _waiting_catchers(workflow, MessageEventDefinition)
        }
    existing = uow.session.scalars(
        select(MessageSubscription).where(MessageSubscription.instance_id == row.id)
    ).all()
    for sub in existing:
        if (sub.task_id, sub.name, sub.element_id) not in waiting:
            uow.session.delete(sub)
    known = {(s.task_id, s.name, s.element_id) for s in existing}
    for key in waiting.keys() - known:
        task_id, name, element_id = key
        uow.session.add(
            MessageSubscription(
                instance_id=row.id,
                name=name,
                business_key=row.business_key,
                task_id=task_id,
                element_id=element_id,
                correlations=correlation_values(*waiting[key]),
            )
        )


def _waiting_catchers(workflow, definition_class):
    """Waiting catch events with a definition of ``definition_class`` (also inside event-based gateways)."""
    for task in workflow.event_manager.tasks.values():
        if task.state != TaskState.WAITING:
            continue
        definition = getattr(task.task_spec, "event_definition", None)
        inner = getattr(definition, "event_definitions", None) or [definition]
        for candidate in inner:
            if isinstance(candidate, definition_class):
                yield task, candidate


def sync_timer_jobs(uow, row, workflow, now) -> None:
    """One ``timer`` job per waiting timer event, due when the timer fires."""
    wanted = {}
    if row.status not in CLOSED_STATUSES:
        for task, _definition in _waiting_catchers(workflow, TimerEventDefinition):
            fire_at = timer_fire_moment(task)
            if fire_at is not None:
                wanted[f"timer:{task.id}"] = (str(task.id), task.task_spec.bpmn_id, fire_at)
    existing = {
        j.dedup_key: j
        for j in uow.session.scalars(select(Job).where(Job.instance_id == row.id, Job.kind == "timer"))
    }
    for key, job in existing.items():
        if key not in wanted:
            uow.session.delete(job)
    state = "suspended" if row.status == "suspended" else "pending"
    for key, (task_id, element_id, fire_at) in wanted.items():
        job = existing.get(key)
        if job is None:
            uow.session.add(
                Job(
                    kind="timer",
                    dedup_key=key,
                    instance_id=row.id,
                    due_at=fire_at,
                    state=state,
                    payload={"task_id": task_id, "element_id": element_id},
                    created_at=now,
                    updated_at=now,
                )
            )
        elif job.due_at != fire_at:
            job.due_at, job.attempts, job.updated_at = fire_at, 0, now


def timer_fire_moment(task):
    value = spiff_compat.get_internal(task, "event_value")
    if isinstance(value, dict):
        value = value.get("next") if value.get("cycles", 0) != 0 else None
    return parse_moment(value) if value else None


def delete_jobs(uow, row) -> None:
    uow.session.execute(delete(Job).where(Job.instance_id == row.id, Job.kind == "timer"))


def start_statutory_clock(uow, actor, row, workflow, element_id: str | None, now) -> None:
    """Start the case's clock once the element named ``statutoryClockStart`` has completed
    (for a licence: acceptance, 受理); until then the case has no statutory due date."""
    if not (row.statutory_limit and element_id) or row.statutory_started_at is not None:
        return
    if any(t.task_spec.bpmn_id == element_id for t in workflow.get_tasks(state=TaskState.COMPLETED)):
        row.statutory_started_at, row.clock_pauses = now, []
        audit.record(uow, actor, "clock_started", now, row, element_id=element_id)


def sync_statutory_clock(uow, actor, row, ready, now, calendar) -> bool:
    """Open a pause while a task marked ``pausesStatutoryClock`` is open, close it after.

    The clock stopping and starting again is audited (one pausing task handing over to the
    next is no resumption); before the clock starts nothing pauses. Returns whether the
    statutory due date was computed on complete calendar data.
    """
    if not row.statutory_limit or row.statutory_started_at is None:
        return True
    was_paused = any(not p.get("to") for p in row.clock_pauses or [])
    resumed, paused = _update_pauses(row, ready, now)
    due = deadlines.statutory_due(
        calendar, row.statutory_limit, row.statutory_started_at, row.clock_pauses, now
    )
    row.statutory_due_at = due.due_at
    is_paused = any(not p.get("to") for p in row.clock_pauses)
    if was_paused != is_paused:
        pause = (paused if is_paused else resumed)[0]
        audit.record(
            uow,
            actor,
            "clock_paused" if is_paused else "clock_resumed",
            now,
            row,
            pause["task_id"],
            element_id=pause["element_id"],
            statutory_due_at=format_moment(due.due_at),
        )
    return due.complete


def _update_pauses(row, ready, now) -> tuple[list[dict], list[dict]]:
    """Close the open pauses whose task is no longer open (all of them once the case has
    ended) and open one for each pausing task newly open; returns those closed and opened."""
    pausing = {str(t.id): t.task_spec.bpmn_id for t in ready if _pauses(t.task_spec)}
    pauses = [dict(p) for p in row.clock_pauses or []]
    open_ids = {p["task_id"] for p in pauses if not p.get("to")}
    resumed, paused = [], []
    for pause in pauses:
        if not pause.get("to") and (pause["task_id"] not in pausing or row.status in CLOSED_STATUSES):
            pause["to"] = format_moment(now)
            resumed.append(pause)
    if row.status not in CLOSED_STATUSES:
        for task_id, element_id in pausing.items():
            if task_id not in open_ids:
                paused.append(
                    {"from": format_moment(now), "to": None, "task_id": task_id, "element_id": element_id}
                )
    row.clock_pauses = pauses + paused
    return resumed, paused


def _pauses(task_spec) -> bool:
    return str(meta(task_spec).get("properties", {}).get("pausesStatutoryClock", "")).lower() == "true"


def child_closed(uow, row, now) -> None:
    """Queue the parent's check once this child case has ended (same transaction)."""
    if uow.session.scalar(select(Job.id).where(Job.dedup_key == f"child:{row.id}")) is not None:
        return
    uow.session.add(
        Job(
            kind="child_completed",
            dedup_key=f"child:{row.id}",
            instance_id=row.parent_instance_id,
            payload={"child_id": row.id},
            due_at=now,
            created_at=now,
            updated_at=now,
        )
    )
