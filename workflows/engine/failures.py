"""Where a case failed and why: the element at fault and a message a designer can act on.

SpiffWorkflow's exceptions do not always carry the task: ``WorkflowTaskException`` has
``.task``, a plain ``WorkflowException`` may only carry ``task_spec`` (an exclusive gateway
whose conditions are all false), some carry neither. The element is then found from the
task that was running, or the workflow's errored or ready task.
"""

from __future__ import annotations

import ast
import re

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.mixins.exclusive_gateway import ExclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins.inclusive_gateway import InclusiveGateway
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.util.task import TaskState

from workflows.engine.sandbox import translate_juel
from workflows.engine.script_limits import ScriptStopped

EXCERPT_CHARS = 300


def describe_failure(workflow, exc, running=None) -> dict:
    """``element_id``, ``element_name``, ``task_id`` and ``message`` of a failure."""
    task = failed_task(workflow, exc, running)
    spec = task.task_spec if task is not None else getattr(exc, "task_spec", None)
    if _no_flow_taken(spec, exc):
        message = _no_flow_message(spec, task.data if task is not None else {})
    else:
        notes = [n for n in getattr(exc, "__notes__", []) if n]
        message = " ".join([_readable(exc), *notes]).strip()
    return {
        "element_id": getattr(spec, "bpmn_id", None),
        "element_name": getattr(spec, "bpmn_name", None),
        "task_id": str(task.id) if task is not None else None,
        "message": message,
    }


def _readable(exc) -> str:
    """SpiffWorkflow writes a script's error as ``NameError:name 'x' ...``: give it a space, and
    drop the class name of a script stopped at its limits, whose message says it all."""
    text = str(exc)
    cause = exc.__context__
    if isinstance(cause, ScriptStopped) and text.startswith(f"{type(cause).__name__}:"):
        return text.split(":", 1)[1].strip()
    return re.sub(r"^(\w+):(?=\S)", r"\1: ", text)


def failed_task(workflow, exc, running=None):
    """The task the exception is about (None when only its spec is known)."""
    task = getattr(exc, "task", None)
    if task is not None:
        return task
    errored = workflow.get_tasks(state=TaskState.ERROR)
    spec = getattr(exc, "task_spec", None)
    if spec is not None:
        candidates = [t for t in errored if t.task_spec == spec]
        candidates += [running] if running is not None and running.task_spec == spec else []
        return candidates[0] if candidates else None
    if running is not None:
        return running
    ready = workflow.get_tasks(state=TaskState.READY)
    return (errored or ready or [None])[0]


def _no_flow_taken(spec, exc) -> bool:
    """A gateway found no true condition (not: one of its conditions failed to evaluate)."""
    return (
        isinstance(spec, ExclusiveGateway | InclusiveGateway)
        and type(exc) in (WorkflowException, WorkflowTaskException)
        and exc.__context__ is None
        and getattr(exc, "error_type", "unknown") == "unknown"
    )


def _no_flow_message(spec, data: dict) -> str:
    conditions = [condition.args[0] for condition, _ in spec.cond_task_specs if condition is not None]
    names = set().union(*(_names(c) for c in conditions))
    seen = {name: data[name] for name in sorted(names) if name in data} or data
    gateway = f"'{spec.bpmn_name}' ({spec.bpmn_id})" if spec.bpmn_name else f"'{spec.bpmn_id}'"
    return (
        f"No outgoing flow of gateway {gateway} has a true condition, and it has no default flow. "
        f"Conditions: {' | '.join(conditions)}. The data they read: {_excerpt(seen)}"
    )


def _names(expression: str) -> set[str]:
    try:
        tree = ast.parse(translate_juel(expression), mode="eval")
    except SyntaxError:
        return set()
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def _excerpt(value) -> str:
    text = repr(value)
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"
