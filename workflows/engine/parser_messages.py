"""SpiffWorkflow's parser errors as deployment errors that name the file and the element and
say what to change.

Some of its messages describe its own internals ("we found two items"); the table below
rewrites them. An XML schema error carries only a line: the element written on that line (or
the nearest enclosing element with an id) is named instead.
"""

from __future__ import annotations

import re

from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from workflows.errors import InvalidInput

_NAMESPACES = {
    "http://www.omg.org/spec/BPMN/20100524/MODEL": "bpmn",
    "http://camunda.org/schema/1.0/bpmn": "camunda",
    "http://spiffworkflow.org/bpmn/schema/1.0/core": "spiffworkflow",
    "https://www.omg.org/spec/DMN/20191111/MODEL/": "dmn",
}

# SpiffWorkflow's message -> what the designer should change ({tag} and the pattern's named
# groups are filled in). The first match wins; the first entry also moves the blame to the flow.
_REWRITES = [
    (
        r"we found two items.*\((?P<target>[^)]*)\)",
        "the sequence flow leads to '{target}', which is no element of this process: connect it to "
        "an element or delete it",
    ),
    (
        r"must specify a cardinality or a loop input",
        "the multi-instance marker has nothing to repeat over: set camunda:collection to a list "
        "variable (e.g. ${{signers}}) and camunda:elementVariable, or loopCardinality",
    ),
    (
        r"exactly one of cardinality or loop input",
        "give either loopCardinality or loopDataInputRef (camunda:collection), not both",
    ),
    (
        r"Multiple outgoing flows are not supported",
        "several sequence flows leave this {tag}: put a gateway after it (exclusive to take one "
        "path, parallel to take all)",
    ),
    (r"No start event found", "the process has no start event: add one"),
    (
        r"maximum recursion depth exceeded",
        "the path through the process is too long to read (hundreds of elements one after "
        "another from here): split it into subprocesses or call activities",
    ),
    (
        r"no support implemented for this task type",
        "{tag} is not supported by this engine: use an exclusive, inclusive, parallel or "
        "event-based gateway, or another task type",
    ),
    (
        r"loopMaximum or loopCondition must be specified",
        "a loop marker needs loopMaximum or a loop condition; for one instance per list element "
        "use a multi-instance marker",
    ),
    (
        r"Unknown Time Specification",
        "the timer has no value: set a date (timeDate), a duration (timeDuration) or a cycle (timeCycle)",
    ),
    (
        r'No DMN Diagram available with id "None"',
        "the business rule task names no DMN decision: set camunda:decisionRef to a decision id",
    ),
    (
        r'No DMN Diagram available with id "(?P<decision>[^"]*)"',
        "the decision '{decision}' is in no .dmn file of this deployment: deploy its .dmn file "
        "together with the diagram",
    ),
    (
        r"Cancel Events may only be used with transactions",
        "a cancel boundary event belongs on a transaction subprocess: attach it to one, or use an "
        "error or message boundary event",
    ),
]
_COMPILED = [(re.compile(pattern, re.S), template) for pattern, template in _REWRITES]


def invalid_definition(exc: ValidationException, filename: str, root=None) -> InvalidInput:
    """The deployment error for SpiffWorkflow's ``exc`` about ``filename`` (parsed as ``root``)."""
    filename = exc.file_name or filename
    line = getattr(exc, "line_number", None) or None
    element = _element_to_fix(exc, root, line)
    where = f" element '{element}'" if element else ""
    where += f" (line {line})" if line else ""
    detail = _plain_names(_rewrite(exc))
    return InvalidInput(f"{filename}{where}: {detail}", file=filename, element=element)


def _rewrite(exc: ValidationException) -> str:
    message = str(exc).strip()
    for pattern, template in _COMPILED:
        match = pattern.search(message)
        if match:
            return template.format(tag=exc.tag or "element", **match.groupdict())
    return message


def _plain_names(message: str) -> str:
    for uri, prefix in _NAMESPACES.items():
        message = message.replace(f"{{{uri}}}", f"{prefix}:")
    return message


def _element_to_fix(exc: ValidationException, root, line: int | None) -> str | None:
    element = getattr(exc, "id", None) or None
    if root is None:
        return element
    if element is None and line:
        return _element_at_line(root, line)
    dangling = _COMPILED[0][0].search(str(exc))
    if dangling:
        return _flow_between(root, element, dangling.group("target")) or element
    return element


def _flow_between(root, source: str | None, target: str) -> str | None:
    """The sequence flow from ``source`` to the missing ``target`` is what to fix."""
    flows = root.xpath(
        "//*[local-name()='sequenceFlow'][@sourceRef=$source][@targetRef=$target]",
        source=source or "",
        target=target,
    )
    return flows[0].get("id") if flows else None


def _element_at_line(root, line: int) -> str | None:
    """The id of the element written on ``line``, or of the nearest enclosing element with one."""
    for node in root.iter():
        if node.sourceline == line:
            while node is not None and not node.get("id"):
                node = node.getparent()
            return node.get("id") if node is not None else None
    return None
