"""Timer jobs: firing BPMN timer events, and starting instances from timer start events."""

from __future__ import annotations

from datetime import datetime, timedelta

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from sqlalchemy import select

from workflows.clock import format_moment
from workflows.engine import runtime
from workflows.engine.script_limits import ScriptStopped
from workflows.engine.timers import first_cycle, parse_moment
from workflows.errors import InvalidInput
from workflows.instances import create_instance
from workflows.persistence import audit
from workflows.persistence.models import CLOSED_STATUSES, Job, ProcessDefinition
from workflows.users import SYSTEM


def fire_timer(config, uow, job: Job) -> None:
    """Fire the due timers of the job's case and run it on (in the job's transaction)."""
    row = runtime.lock_instance(uow, job.instance_id)
    if row.status in CLOSED_STATUSES:
        uow.session.delete(job)
        return
    if row.status == "suspended":
        job.state = "suspended"
        return
    workflow = runtime.open_workflow(config, uow, row)
    audit.record(
        uow,
        SYSTEM,
        "timer_fired",
        config.clock.now(),
        row,
        job.payload.get("task_id"),
        element_id=job.payload.get("element_id"),
    )
    runtime.run(config, uow, row, workflow, SYSTEM, step=workflow.refresh_timers)
    runtime.save(config, uow, row, workflow, SYSTEM)


def start_timer_events(spec) -> list:
    return [
        ts
        for ts in spec.task_specs.values()
        if isinstance(ts, StartEvent)
        and isinstance(getattr(ts, "event_definition", None), TimerEventDefinition)
    ]


def schedule_start_timers(config, uow, definition: ProcessDefinition, spec) -> None:
    """(Re)schedule the process's timer start event for the newly deployed version."""
    key = f"start:{definition.key}"
    existing = uow.session.scalar(select(Job).where(Job.dedup_key == key))
    events = start_timer_events(spec)
    if existing is not None:
        uow.session.delete(existing)
        uow.flush()
    if not events:
        return
    now = config.clock.now()
    try:
        schedule = _schedule(config, uow, events[0].event_definition, now)
    except ScriptStopped as exc:
        element, file = events[0].bpmn_id, definition.resource_name
        raise InvalidInput(f"{file} element '{element}': {exc}", file=file, element=element) from exc
    if schedule is None:
        return
    uow.session.add(
        Job(
            kind="start_timer",
            dedup_key=key,
            instance_id=None,
            due_at=parse_moment(schedule["next"]),
            payload={"definition_id": definition.id, "schedule": schedule},
            created_at=now,
            updated_at=now,
        )
    )


def _schedule(config, uow, definition, now: datetime) -> dict | None:
    engine = runtime.script_engine(config, uow)
    expression = definition.expression.strip()
    value = expression if expression[:1] in "RP0123456789" else engine.environment.evaluate(expression, {})
    if isinstance(definition, CycleTimerEventDefinition):
        return first_cycle(str(value), now)
    if str(value).upper().startswith("P"):
        parsed = TimerEventDefinition.parse_iso_duration(str(value))
        moment = now + TimerEventDefinition.get_timedelta_from_start(parsed, now)
    else:
        moment = parse_moment(value)
    return {"cycles": 1, "next": format_moment(moment), "duration": 0}


def start_from_timer(config, uow, job: Job) -> None:
    """Start an instance of the scheduled version; schedule the next cycle, if any."""
    definition = uow.session.get(ProcessDefinition, job.payload["definition_id"])
    create_instance(config, uow, SYSTEM, definition, None, {})
    schedule = dict(job.payload["schedule"])
    schedule["cycles"] -= 1
    if schedule["cycles"] == 0:
        uow.session.delete(job)
        return
    following = parse_moment(schedule["next"]) + timedelta(seconds=schedule["duration"])
    schedule["next"] = format_moment(following)
    job.payload = {**job.payload, "schedule": schedule}
    job.due_at, job.lease_owner, job.lease_expires_at = following, None, None
