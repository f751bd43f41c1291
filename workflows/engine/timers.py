"""BPMN timer events driven by the engine's clock instead of the wall clock.

SpiffWorkflow's timers call ``datetime.now()`` directly; these subclasses ask
the workflow's script engine for the time, read naive dates in the bureau's
time zone, and accept Camunda Modeler's unquoted ISO values (``PT24H``) as well
as expressions (``add_working_days(received_at, 5)``).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from SpiffWorkflow.bpmn.serializer.default.event_definition import (
    TimerConditionalEventDefinitionConverter,
)
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent

from workflows.clock import format_moment, parse_moment
from workflows.deadlines.limits import clock_start
from workflows.deadlines.periods import parse_period
from workflows.engine import spiff_compat

ISO_LITERAL = re.compile(r"^\s*(R\d*/|P|\d{4}-\d{2}-\d{2})", re.I)


def engine_now(my_task) -> datetime:
    clock = getattr(my_task.workflow.script_engine, "clock", None)
    return clock.now() if clock is not None else datetime.now(UTC)


def timer_value(my_task, expression: str):
    """The timer's value: a literal ISO string as written, or an evaluated expression.

    Boundary timers may call ``activity_due()``, ``activity_warning()`` and
    ``activity_reminder()``: the moments of the attached task's own ``deadline``.
    """
    if ISO_LITERAL.match(expression) and not expression.strip().startswith(("'", '"')):
        return expression.strip()
    value = my_task.workflow.script_engine.evaluate(
        my_task, expression, external_context=_activity_functions(my_task)
    )
    if isinstance(value, datetime):
        return format_moment(parse_moment(value))
    return value


def _activity_functions(my_task) -> dict:
    def moment(level: str):
        activity = _attached_activity(my_task)
        properties = ((getattr(activity.task_spec, "extensions", None) or {}).get("meta") or {}).get(
            "properties", {}
        )
        if activity is None or not properties.get("deadline"):
            raise ValueError(f"timer '{my_task.task_spec.bpmn_id}' is not attached to a task with a deadline")
        functions = my_task.workflow.script_engine.functions
        start_expression = properties.get("deadlineStart")
        start_value = (
            my_task.workflow.script_engine.environment.evaluate(start_expression, activity.data)
            if start_expression
            else None
        )
        start = clock_start(start_value, engine_now(my_task))
        return getattr(functions, f"{level}_at")(properties["deadline"], start)

    return {
        "activity_due": lambda: moment("deadline"),
        "activity_warning": lambda: moment("warning"),
        "activity_reminder": lambda: moment("reminder"),
    }


def _attached_activity(my_task):
    for sibling in my_task.parent.children if my_task.parent is not None else []:
        if sibling is not my_task and not isinstance(sibling.task_spec, BoundaryEvent):
            return sibling
    return None


class _Clocked:
    """Computes the timer's value once, against the engine clock, and remembers when."""

    def compute_value(self, my_task, now):
        raise NotImplementedError

    def event_value(self, my_task):
        value = spiff_compat.get_internal(my_task, "event_value")
        if value is None:
            value = remember_value(self, my_task, engine_now(my_task))
        return value


def remember_value(definition, my_task, now):
    """Evaluate the timer at ``now``; note whether the calendar data it used was complete."""
    functions = getattr(my_task.workflow.script_engine, "functions", None)
    before = functions.incomplete if functions is not None else 0
    value = definition.compute_value(my_task, now)
    incomplete = functions is not None and functions.incomplete > before
    spiff_compat.set_internal(
        my_task, event_value=value, timer_started_at=format_moment(now), calendar_incomplete=incomplete
    )
    return value


class ClockedTimeDate(_Clocked, TimeDateEventDefinition):
    def compute_value(self, my_task, now):
        return format_moment(parse_moment(timer_value(my_task, self.expression)))

    def has_fired(self, my_task):
        if parse_moment(self.event_value(my_task)) <= engine_now(my_task):
            spiff_compat.set_internal(my_task, event_fired=True)
        return spiff_compat.get_internal(my_task, "event_fired", False)


class ClockedDuration(_Clocked, DurationTimerEventDefinition):
    """A duration from when the timer starts waiting; a period in days, weeks, months or years
    (``P3D``, ``P3M``) ends at 24:00 of its last day, moved off days off (Civil Code arts. 200–204)."""

    def compute_value(self, my_task, now):
        value = timer_value(my_task, self.expression)
        if isinstance(value, timedelta):
            return format_moment(now + value)
        if isinstance(value, str) and parse_period(value) is not None:
            return format_moment(my_task.workflow.script_engine.functions.deadline_at(value.strip(), now))
        parsed = TimerEventDefinition.parse_iso_duration(value)
        return format_moment(now + TimerEventDefinition.get_timedelta_from_start(parsed, now))

    def has_fired(self, my_task):
        if parse_moment(self.event_value(my_task)) <= engine_now(my_task):
            spiff_compat.set_internal(my_task, event_fired=True)
        return spiff_compat.get_internal(my_task, "event_fired", False)


class ClockedCycle(_Clocked, CycleTimerEventDefinition):
    def compute_value(self, my_task, now):
        return first_cycle(timer_value(my_task, self.expression), now)

    def cycle_complete(self, my_task):
        now = engine_now(my_task)
        event_value = self.event_value(my_task)
        ready = False
        if event_value["cycles"] != 0:
            next_event = datetime.fromisoformat(event_value["next"])
            if next_event <= now:
                event_value["next"] = format_moment(next_event + timedelta(seconds=event_value["duration"]))
                event_value["cycles"] -= 1
                ready = True
        else:
            spiff_compat.pop_internal(my_task, "event_value")
            spiff_compat.set_internal(my_task, event_fired=True)
        spiff_compat.set_internal(my_task, event_value=event_value)
        return ready


def recompute(my_task) -> bool:
    """Evaluate a waiting timer again as of the moment it started (after a calendar load);
    returns whether it was a timer this module evaluated."""
    definition = my_task.task_spec.event_definition
    started = spiff_compat.get_internal(my_task, "timer_started_at")
    if not isinstance(definition, _Clocked) or started is None:
        return False
    engine = my_task.workflow.script_engine
    real_clock, engine.clock = engine.clock, _FrozenClock(datetime.fromisoformat(started))
    try:
        remember_value(definition, my_task, engine.clock.now())
    finally:
        engine.clock = real_clock
    return True


class _FrozenClock:
    def __init__(self, moment: datetime):
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


def first_cycle(expression: str, now: datetime) -> dict:
    """``R3/PT1H`` starts one interval from now; ``R/2026-03-01T09:00/P1D`` at that date."""
    parts = expression.upper().strip("R").split("/")
    cycles = int(parts[0]) if parts[0] else -1
    if len(parts) == 3:
        start = parse_moment(parts[1])
        parsed = TimerEventDefinition.parse_iso_duration(parts[2])
        duration = TimerEventDefinition.get_timedelta_from_start(parsed, start)
    else:
        parsed = TimerEventDefinition.parse_iso_duration(parts[1])
        duration = TimerEventDefinition.get_timedelta_from_start(parsed, now)
        start = now + duration
    return {"cycles": cycles, "next": format_moment(start), "duration": duration.total_seconds()}


_REPLACEMENTS = {
    TimeDateEventDefinition: ClockedTimeDate,
    DurationTimerEventDefinition: ClockedDuration,
    CycleTimerEventDefinition: ClockedCycle,
}

TIMER_CONVERTERS = {cls: TimerConditionalEventDefinitionConverter for cls in _REPLACEMENTS.values()}


def use_engine_clock(spec) -> None:
    """Swap the parser's timer definitions in ``spec`` for the clocked ones."""
    for task_spec in spec.task_specs.values():
        definition = getattr(task_spec, "event_definition", None)
        _swap(definition)
        for inner in getattr(definition, "event_definitions", None) or []:
            _swap(inner)


def _swap(definition) -> None:
    replacement = _REPLACEMENTS.get(type(definition))
    if replacement is not None:
        definition.__class__ = replacement
