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

from .clock import parse_moment

_ISO_LITERAL = re.compile(r"^\s*(R\d*/|P|\d{4}-\d{2}-\d{2})", re.I)


def engine_now(my_task) -> datetime:
    clock = getattr(my_task.workflow.script_engine, "clock", None)
    return clock.now() if clock is not None else datetime.now(UTC)


def timer_value(my_task, expression: str):
    """The timer's value: a literal ISO string as written, or an evaluated expression."""
    if _ISO_LITERAL.match(expression) and not expression.strip().startswith(("'", '"')):
        return expression.strip()
    value = my_task.workflow.script_engine.evaluate(my_task, expression)
    if isinstance(value, datetime):
        return parse_moment(value).isoformat()
    return value


class ClockedTimeDate(TimeDateEventDefinition):
    def has_fired(self, my_task):
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            event_value = parse_moment(timer_value(my_task, self.expression)).isoformat()
            my_task._set_internal_data(event_value=event_value)
        if parse_moment(event_value) <= engine_now(my_task):
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


class ClockedDuration(DurationTimerEventDefinition):
    def has_fired(self, my_task):
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            value = timer_value(my_task, self.expression)
            start = engine_now(my_task)
            if isinstance(value, timedelta):
                delta = value
            else:
                parsed = TimerEventDefinition.parse_iso_duration(value)
                delta = TimerEventDefinition.get_timedelta_from_start(parsed, start)
            event_value = (start + delta).isoformat()
            my_task._set_internal_data(event_value=event_value)
        if parse_moment(event_value) <= engine_now(my_task):
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


class ClockedCycle(CycleTimerEventDefinition):
    def cycle_complete(self, my_task):
        now = engine_now(my_task)
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            event_value = _first_cycle(timer_value(my_task, self.expression), now)
        ready = False
        if event_value["cycles"] != 0:
            next_event = datetime.fromisoformat(event_value["next"])
            if next_event <= now:
                event_value["next"] = (next_event + timedelta(seconds=event_value["duration"])).isoformat()
                event_value["cycles"] -= 1
                ready = True
        else:
            my_task.internal_data.pop("event_value", None)
            my_task.internal_data["event_fired"] = True
        my_task._set_internal_data(event_value=event_value)
        return ready


def _first_cycle(expression: str, now: datetime) -> dict:
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
    return {"cycles": cycles, "next": start.isoformat(), "duration": duration.total_seconds()}


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
