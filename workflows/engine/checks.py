"""Checks a deployment must pass beyond XML schema validity.

SpiffWorkflow accepts some diagrams that can only fail later, at run time, in
front of a clerk. These checks refuse them at deployment, naming the file and
the BPMN element at fault.
"""

from __future__ import annotations

from collections import deque

from lxml import etree

from workflows.config import EngineConfig
from workflows.deadlines import limits as deadlines
from workflows.engine.bpmn_markup import CAMUNDA_NS, is_executable
from workflows.engine.completion_rules import RULE, RULE_FIELD, task_rules
from workflows.engine.parsing import LANE_NAMING, NSMAP, ParsedProcess, user_task_specs
from workflows.engine.sandbox import ScriptError, compile_expression, compile_script
from workflows.engine.services import service_operations
from workflows.engine.step_properties import (
    ALLOWED_OPERATIONS,
    AUTO_APPROVE,
    AUTO_APPROVE_RULES,
    OPERATIONS,
    unknown_names,
)
from workflows.engine.timers import ISO_LITERAL
from workflows.errors import InvalidInput


def check_process(process: ParsedProcess, known_keys: set[str]) -> None:
    _check_limits(process)
    _check_applicant_code(process)
    _check_service_operations(process)
    _check_gateways(process)
    _check_expressions(process)
    _check_loop_expressions(process)
    _check_scripts(process)
    _check_human_tasks(process)
    _check_completion_rules(process)
    _check_step_properties(process)
    _check_call_activities(process, known_keys)


def check_document(root, filename: str) -> None:
    """Checks of a BPMN document's executable processes before SpiffWorkflow parses them
    (its parser refuses some of these shapes with messages that do not say what to change)."""
    for process in root.xpath("./bpmn:process", namespaces=NSMAP):
        if is_executable(process):
            _check_camunda_implementations(process, filename)
            _check_camunda_listeners(process, filename)


def _fail(process: ParsedProcess, element: str | None, detail: str) -> InvalidInput:
    where = f" element '{element}'" if element else ""
    return InvalidInput(f"{process.file}{where}: {detail}", file=process.file, element=element)


def _check_limits(process: ParsedProcess) -> None:
    limit = process.properties.get("statutoryLimit")
    if limit:
        _check_limit(process, process.key, limit)
    _check_clock_start(process, limit)
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


def _check_clock_start(process: ParsedProcess, limit: str | None) -> None:
    """``statutoryClockStart`` names a task or event of the process whose completion starts the clock."""
    element = process.properties.get("statutoryClockStart")
    if not element:
        return
    if not limit:
        raise _fail(
            process, process.key, f"statutoryClockStart '{element}' without a statutoryLimit to start"
        )
    specs = (process.spec, *process.subprocess_specs.values())
    if not any(getattr(t, "bpmn_id", None) == element for s in specs for t in s.task_specs.values()):
        detail = (
            f"statutoryClockStart: '{element}' is not a task or event of the process (the element "
            "whose completion starts the statutory clock, e.g. the acceptance 受理)"
        )
        raise _fail(process, process.key, detail)


def _check_applicant_code(process: ParsedProcess) -> None:
    expression = process.properties.get("applicantCode")
    if expression:
        try:
            compile_expression(expression)
        except (ScriptError, SyntaxError) as exc:
            raise _fail(
                process, process.key, f"the property applicantCode is not an expression: {exc}"
            ) from exc


def _check_service_operations(process: ParsedProcess) -> None:
    known = set(service_operations(EngineConfig(), None, {}))
    path = ".//bpmn:serviceTask/bpmn:extensionElements/spiffworkflow:serviceTaskOperator"
    for operator in process.node.xpath(path, namespaces=NSMAP):
        if operator.get("id") not in known:
            task = operator.getparent().getparent()
            raise _fail(
                process,
                task.get("id"),
                f"calls unknown service operation '{operator.get('id')}' (known: {', '.join(sorted(known))})",
            )
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


def _check_loop_expressions(process: ParsedProcess) -> None:
    """A multi-instance activity's cardinality and completion condition are expressions too."""
    path = (
        ".//bpmn:multiInstanceLoopCharacteristics"
        "/*[self::bpmn:loopCardinality or self::bpmn:completionCondition]"
    )
    for expression in process.node.xpath(path, namespaces=NSMAP):
        activity = expression.getparent().getparent()
        _compile(process, activity.get("id"), expression.text or "", compile_expression)


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
        if not task_meta["candidate_groups"] and not task_meta.get("assignee"):
            raise _fail(process, task_spec.bpmn_id, _no_group(task_spec.lane))


def _no_group(lane: str | None) -> str:
    if lane:
        return (
            f"the task is in lane '{lane}', whose name names no group: {LANE_NAMING}; or set "
            "camunda:candidateGroups or an assignee on the task"
        )
    return (
        f"the task has no candidate group: put it in a lane ({LANE_NAMING}), or set "
        "candidateGroups or an assignee"
    )


def _check_completion_rules(process: ParsedProcess) -> None:
    """``validation`` rules compile, sit on human tasks, and name a field when they say one."""
    for spec in (process.spec, *process.subprocess_specs.values()):
        for task_spec in spec.task_specs.values():
            properties = ((getattr(task_spec, "extensions", None) or {}).get("meta") or {}).get(
                "properties"
            ) or {}
            rules = task_rules(properties)
            if RULE_FIELD in properties and RULE not in properties:
                raise _fail(process, task_spec.bpmn_id, f"{RULE_FIELD} without validation: name the rule too")
            if rules and not _is_human(spec, task_spec):
                raise _fail(
                    process, task_spec.bpmn_id, "validation rules apply to user and manual tasks only"
                )
            for rule in rules:
                _check_rule(process, task_spec.bpmn_id, rule)


def _check_step_properties(process: ParsedProcess) -> None:
    """``allowedOperations`` and ``autoApprove`` name only operations and rules that exist."""
    for spec in (process.spec, *process.subprocess_specs.values()):
        for task_spec in spec.task_specs.values():
            meta = (getattr(task_spec, "extensions", None) or {}).get("meta") or {}
            properties = meta.get("properties") or {}
            for name, known in ((ALLOWED_OPERATIONS, OPERATIONS), (AUTO_APPROVE, AUTO_APPROVE_RULES)):
                unknown = unknown_names(properties.get(name), known)
                if unknown:
                    raise _fail(
                        process,
                        task_spec.bpmn_id,
                        f"{name} names unknown {', '.join(repr(u) for u in unknown)}; "
                        f"known: {', '.join(known)}",
                    )


def _is_human(spec, task_spec) -> bool:
    """A user or manual task, or a multi-instance activity repeating one."""
    repeated = spec.task_specs.get(getattr(task_spec, "task_spec", None) or "")
    return getattr(task_spec, "manual", False) or getattr(repeated, "manual", False)


def _check_rule(process: ParsedProcess, element: str, rule) -> None:
    if rule.name != RULE and not rule.pointer:
        raise _fail(process, element, f"'{rule.name}' names no field after the colon")
    try:
        compile_expression(rule.expression)
    except (ScriptError, SyntaxError) as exc:
        raise _fail(process, element, f"validation rule '{rule.name}': {exc}") from exc


def _check_call_activities(process: ParsedProcess, known_keys: set[str]) -> None:
    for activity in process.node.xpath(".//bpmn:callActivity", namespaces=NSMAP):
        called = activity.get("calledElement")
        if called not in known_keys:
            raise _fail(process, activity.get("id"), f"calls unknown process '{called}'")


_CAMUNDA_IMPLEMENTED = (
    ".//bpmn:serviceTask | .//bpmn:sendTask | .//bpmn:businessRuleTask[not(@camunda:decisionRef)]"
    " | .//bpmn:messageEventDefinition[@camunda:class or @camunda:expression"
    " or @camunda:delegateExpression or @camunda:type]"
)
_SPIFF_OPERATOR = "./bpmn:extensionElements/spiffworkflow:serviceTaskOperator"


def _check_camunda_implementations(process, filename: str) -> None:
    """Camunda runs Java (class, expression, delegate), external workers and connectors; this
    engine runs none of them, so such an element is refused instead of doing nothing."""
    for node in process.xpath(_CAMUNDA_IMPLEMENTED, namespaces=NSMAP):
        found = _camunda_implementation(node)
        if found is None and not _is_bare_service_task(node):
            continue
        element = node.getparent() if etree.QName(node).localname == "messageEventDefinition" else node
        what = f"is implemented as {found}" if found else "has no implementation"
        raise InvalidInput(
            f"{filename} element '{element.get('id')}': the element {what}, which this engine cannot "
            f"run. {_supported_service_forms()}",
            file=filename,
            element=element.get("id"),
        )


def _is_bare_service_task(node) -> bool:
    return etree.QName(node).localname == "serviceTask" and not node.xpath(_SPIFF_OPERATOR, namespaces=NSMAP)


def _camunda_implementation(node) -> str | None:
    """How Camunda would run ``node``, in words; None when it has no Camunda implementation."""
    kind = node.get(f"{{{CAMUNDA_NS}}}type")
    if kind == "external":
        return f"a Camunda external task (topic '{node.get(f'{{{CAMUNDA_NS}}}topic')}')"
    for name, description in _JAVA_FORMS.items():
        value = node.get(f"{{{CAMUNDA_NS}}}{name}")
        if value:
            return f"camunda:{name} '{value}' ({description})"
    if kind:
        return f"camunda:type '{kind}'"
    connector = node.xpath("./bpmn:extensionElements/camunda:connector/camunda:connectorId", namespaces=NSMAP)
    if connector:
        return f"a Camunda connector '{(connector[0].text or '').strip()}'"
    return None


_JAVA_FORMS = {
    "class": "a Java class",
    "expression": "a Java expression",
    "delegateExpression": "a Java delegate",
}


def _supported_service_forms() -> str:
    operations = ", ".join(sorted(service_operations(EngineConfig(), None, {})))
    return (
        "Supported: a service task with spiffworkflow:serviceTaskOperator naming a registered "
        f"operation ({operations}); for a computation on the case's variables, a script task "
        "(Python)."
    )


def _check_camunda_listeners(process, filename: str) -> None:
    """Execution and task listeners would silently never run: refused, naming the element."""
    path = ".//camunda:executionListener | .//camunda:taskListener"
    for listener in process.xpath(path, namespaces=NSMAP):
        element = listener.getparent().getparent()
        kind = (
            "a task listener"
            if etree.QName(listener).localname == "taskListener"
            else "an execution listener"
        )
        raise InvalidInput(
            f"{filename} element '{element.get('id')}': the element has {kind} "
            f"(event '{listener.get('event')}'), which this engine does not run. Put the work in a "
            "script task or a service task of its own; set who does a task with camunda:assignee or "
            "camunda:candidateGroups.",
            file=filename,
            element=element.get("id"),
        )


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
