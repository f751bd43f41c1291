"""BPMN namespaces, and Camunda Modeler's markup rewritten into what SpiffWorkflow reads.

The rewriting works on the parsed tree after schema validation; the stored XML stays as
deployed.
"""

from __future__ import annotations

import re

from lxml import etree

from workflows.errors import InvalidInput

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NSMAP = {"bpmn": BPMN_NS, "camunda": CAMUNDA_NS, "spiffworkflow": SPIFF_NS}

# Each instance of a multi-instance activity without camunda:elementVariable sees its element as:
DEFAULT_ELEMENT_VARIABLE = "item"

_PLAIN_NAME = re.compile(r"^\s*(?:\$\{)?\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}?\s*$")


def is_executable(process_node) -> bool:
    """A process is executable unless marked otherwise, as SpiffWorkflow and Camunda read it
    (BPMN's schema gives no default; an ``xsd:boolean`` may also be written ``1`` or ``0``)."""
    return (process_node.get("isExecutable") or "true").strip() in ("true", "1")


def standardise(root, filename: str) -> dict[str, str]:
    """Rewrite ``root`` in place for SpiffWorkflow; returns warnings by element id."""
    for node in root.xpath("./bpmn:process[@isExecutable]", namespaces=NSMAP):
        node.set("isExecutable", "true" if is_executable(node) else "false")
    warnings = {}
    for loop in root.xpath(".//bpmn:multiInstanceLoopCharacteristics", namespaces=NSMAP):
        warning = _standard_multi_instance(loop, filename)
        if warning:
            warnings[loop.getparent().get("id")] = warning
    return warnings


def _standard_multi_instance(loop, filename: str) -> str | None:
    """Camunda Modeler writes ``camunda:collection``/``camunda:elementVariable``; BPMN has
    ``loopDataInputRef``/``inputDataItem``, which SpiffWorkflow reads.

    As in Camunda, the collection is a variable read once when the activity starts. Beside a
    collection, ``loopCardinality`` is dropped (with a warning): Camunda would take the first
    n elements and fail when there are fewer; here every element gets its instance.
    """
    collection = loop.get(f"{{{CAMUNDA_NS}}}collection")
    element = loop.get(f"{{{CAMUNDA_NS}}}elementVariable")
    activity = loop.getparent().get("id")
    if collection is None or loop.xpath("./bpmn:loopDataInputRef", namespaces=NSMAP):
        if element and collection is None:
            raise _invalid(
                filename, activity, f"camunda:elementVariable '{element}' needs camunda:collection"
            )
        return None
    match = _PLAIN_NAME.match(collection)
    if match is None:
        raise _invalid(
            filename,
            activity,
            f"camunda:collection '{collection}' must name a list variable ('signers' or "
            "'${signers}'); compute any other list into a variable first, e.g. in a script task",
        )
    cardinality = loop.xpath("./bpmn:loopCardinality", namespaces=NSMAP)
    for node in cardinality:
        loop.remove(node)
    element = element or DEFAULT_ELEMENT_VARIABLE
    reference = etree.Element(f"{{{BPMN_NS}}}loopDataInputRef")
    reference.text = match.group(1)
    loop.append(reference)
    loop.append(etree.Element(f"{{{BPMN_NS}}}inputDataItem", id=element, name=element))
    if cardinality:
        return (
            "loopCardinality is ignored: camunda:collection gives one instance per element "
            f"of '{match.group(1)}'"
        )
    return None


def _invalid(filename: str, element: str, detail: str) -> InvalidInput:
    return InvalidInput(f"{filename} element '{element}': {detail}", file=filename, element=element)
