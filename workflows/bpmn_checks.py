"""Checks a deployment must pass beyond XML schema validity.

SpiffWorkflow accepts some diagrams that can only fail later, at run time, in
front of a clerk. These checks refuse them at deployment, naming the file and
the BPMN element at fault.
"""

from __future__ import annotations

from collections import deque

from . import deadlines
from .config import EngineConfig
from .errors import InvalidInput
from .parsing import NSMAP, ParsedProcess, user_task_specs
from .sandbox import ScriptError, compile_expression, compile_script
from .services import service_operations
from .timers import ISO_LITERAL


def check_process(process: ParsedProcess, known_keys: set[str]) -> None:
    _check_limits(process)
    _check_service_operations(process)
    _check_gateways(process)
    _check_expressions(process)
    _check_scripts(process)
    _check_human_tasks(process)
    _check_call_activities(process, known_keys)


def _fail(process: ParsedProcess, element: str | None, detail: str) -> InvalidInput:
    where = f" element '{element}'" if element else ""
    return InvalidInput(f"{process.file}{where}: {detail}", file=process.file, element=element)


def _check_limits(process: ParsedProcess) -> None:
    limit = process.properties.get("statutoryLimit")
    if limit:
        _check_limit(process, process.key, limit)
    for spec in (process.spec, *process.subprocess_specs.values()):
        for task_spec in spec.task_specs.values():
            meta = (getattr(task_spec, "extensions", None) or {}).get("meta") or {}
            limit = meta.get("properties", {}).get("deadline")
            if limit:
                _check_limit(process, task_spec.bpmn_id, limit)


def _check_limit(process: ParsedProcess, element: str, limit: str) -> None:
    try:
        deadlines.check_spec(limit)
    except InvalidInput as exc:
        raise _fail(process, element, exc.detail) from exc


def _check_service_operations(process: ParsedProcess) -> None:
    known = set(service_operations(EngineConfig(), None, {}))
    path = ".//bpmn:serviceTask/bpmn:extensionElements/spiffworkflow:serviceTaskOperator"
    for operator in process.node.xpath(path, namespaces=NSMAP):
        if operator.get("id") not in known:
            task = operator.getparent().getparent()
            raise _fail(
                process, task.get("id"),
                f"calls unknown service operation '{operator.get('id')}' (known: {', '.join(sorted(known))})",
            )  # fmt: skip
        for parameter in operator.xpath(".//spiffworkflow:parameter", namespaces=NSMAP):
            _compile(
                process,
                operator.getparent().getparent().get("id"),
                parameter.get("value") or "",
                compile_expression,
            )


def _check_gateways(process: ParsedProcess) -> None:
    gateways = process.node.xpath(".//bpmn:exclusiveGateway | .//bpmn:inclusiveGateway", namespaces=NSMAP)
    for gateway in gateways:
        flows = process.node.xpath(
            ".//bpmn:sequenceFlow[@sourceRef=$ref]", ref=gateway.get("id"), namespaces=NSMAP
        )
        if len(flows) < 2:
            continue
        for flow in flows:
            has_condition = flow.xpath("./bpmn:conditionExpression", namespaces=NSMAP)
            if not has_condition and flow.get("id") != gateway.get("default"):
                raise _fail(
                    process,
                    flow.get("id"),
                    f"the flow leaving gateway '{gateway.get('id')}' has neither a condition "
                    "nor the default mark",
                )


def _check_expressions(process: ParsedProcess) -> None:
    for condition in process.node.xpath(".//bpmn:conditionExpression", namespaces=NSMAP):
        _compile(process, condition.getparent().get("id"), condition.text or "", compile_expression)
    timer_values = (
        ".//bpmn:timerEventDefinition/*"
        "[self::bpmn:timeDate or self::bpmn:timeDuration or self::bpmn:timeCycle]"
    )
    for value in process.node.xpath(timer_values, namespaces=NSMAP):
        text = (value.text or "").strip()
        event = value.getparent().getparent()
        if not text:
            raise _fail(process, event.get("id"), "the timer has no value")
        if not ISO_LITERAL.match(text):
            _compile(process, event.get("id"), text, compile_expression)


def _check_scripts(process: ParsedProcess) -> None:
    for task in process.node.xpath(".//bpmn:scriptTask", namespaces=NSMAP):
        script = task.xpath("./bpmn:script", namespaces=NSMAP)
        if not script or not (script[0].text or "").strip():
            raise _fail(process, task.get("id"), "the script task has no script")
        _compile(process, task.get("id"), script[0].text, compile_script)
    extra = ".//bpmn:extensionElements/*[self::spiffworkflow:preScript or self::spiffworkflow:postScript]"
    for script in process.node.xpath(extra, namespaces=NSMAP):
        _compile(process, script.getparent().getparent().get("id"), script.text or "", compile_script)


def _compile(process: ParsedProcess, element: str, source: str, compiler) -> None:
    try:
        compiler(source)
    except (ScriptError, SyntaxError) as exc:
        raise _fail(process, element, f"script or expression error: {exc}") from exc


def _check_human_tasks(process: ParsedProcess) -> None:
    for task_spec in user_task_specs(process):
        task_meta = task_spec.extensions["meta"]
        expressions = [g for g in task_meta["candidate_groups"] if g.strip().startswith("${")]
        expressions += [task_meta.get("assignee"), task_meta["properties"].get("deadlineStart")]
        for expression in filter(None, expressions):
            _compile(process, task_spec.bpmn_id, expression, compile_expression)
        task_meta = task_spec.extensions["meta"]
        if not task_meta["candidate_groups"] and not task_meta.get("assignee"):
            raise _fail(
                process,
                task_spec.bpmn_id,
                "the task has no candidate group: put it in a lane named after a group, "
                "e.g. '窗口受理 (clerk)', or set candidateGroups or an assignee",
            )


def _check_call_activities(process: ParsedProcess, known_keys: set[str]) -> None:
    for activity in process.node.xpath(".//bpmn:callActivity", namespaces=NSMAP):
        called = activity.get("calledElement")
        if called not in known_keys:
            raise _fail(process, activity.get("id"), f"calls unknown process '{called}'")


def check_call_cycles(processes: list[ParsedProcess], deployed_calls: dict[str, list[str]]) -> None:
    """Refuse a call activity that leads back to its own process, directly or through others,
    among ``processes`` and the latest deployed versions (``deployed_calls``: key -> called keys)."""
    calls = {**deployed_calls, **{p.key: p.called_keys for p in processes}}
    for process in processes:
        for activity in process.node.xpath(".//bpmn:callActivity", namespaces=NSMAP):
            path = _call_path(calls, activity.get("calledElement"), process.key)
            if path is not None:
                cycle = " -> ".join([process.key, *path])
                raise _fail(
                    process,
                    activity.get("id"),
                    f"the process calls itself ({cycle}), which never ends; a process may not call "
                    "itself, directly or through other processes: loop back with a gateway instead",
                )


def _call_path(calls: dict[str, list[str]], start: str, target: str) -> list[str] | None:
    """The keys from ``start`` to ``target`` following calls, or None when there is no way."""
    previous, queue = {start: None}, deque([start])
    while queue:
        key = queue.popleft()
        if key == target:
            path = [key]
            while previous[path[-1]] is not None:
                path.append(previous[path[-1]])
            return path[::-1]
        for called in calls.get(key, []):
            if called not in previous:
                previous[called] = key
                queue.append(called)
    return None
