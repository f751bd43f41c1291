"""What a diagram says about the messages it waits for: their names, correlation properties
and payload schemas.

A message's correlation property (``bpmn:correlationProperty`` with a retrieval expression for
the message) names a value that tells waiting cases apart, e.g. ``case_no``. A waiting case's
value is that expression evaluated on the case data (a ``spiffworkflow:processVariableCorrelation``
for the property, when present, gives the expression instead). A payload schema is the file
``<process_key>/messages/<message name>.schema.json`` deployed with the process.
"""

from __future__ import annotations

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent

from workflows.engine.forms import SCHEMA_SUFFIX
from workflows.engine.serialization import to_json_data


def schema_name(process_key: str, message: str) -> str:
    return f"{process_key}/messages/{message}{SCHEMA_SUFFIX}"


def message_definitions(task_spec):
    """The message event definitions of ``task_spec`` (also inside a multiple event)."""
    definition = getattr(task_spec, "event_definition", None)
    for candidate in getattr(definition, "event_definitions", None) or [definition]:
        if isinstance(candidate, MessageEventDefinition):
            yield candidate


def caught_message_names(specs) -> set[str]:
    """Names of the messages that catch events of ``specs`` (process and subprocess specs) wait for."""
    return {
        definition.name
        for spec in specs
        for task_spec in spec.task_specs.values()
        if isinstance(task_spec, CatchingEvent)
        for definition in message_definitions(task_spec)
    }


def correlation_values(task, definition: MessageEventDefinition) -> dict:
    """The waiting ``task``'s value of each correlation property of ``definition``."""
    expressions = {p.name: p.retrieval_expression for p in definition.correlation_properties}
    expressions.update(
        {p.name: p.retrieval_expression for p in getattr(definition, "process_correlations", [])}
    )
    environment = task.workflow.script_engine.environment
    values = {}
    for name, expression in expressions.items():
        try:
            values[name] = environment.evaluate(expression, dict(task.data))
        except Exception:  # noqa: BLE001 - a case without the value cannot be matched on it
            values[name] = None
    return to_json_data(values)
