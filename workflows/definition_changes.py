"""What changed between two versions of a diagram, element by element (BPMN semantics only).

An element is compared by its type, attributes, text and the parts of it that have no id
of their own (extension elements, conditions, timer values ...), plus the lane it sits in
and that lane's name for human tasks, which take their group from it. Its layout (the diagram's DI) and its
incoming and outgoing references are left out: a moved shape is no change, and a new flow
is an added element of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from workflows.engine.bpmn_markup import BPMN_NS
from workflows.errors import InvalidInput

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
_HUMAN = {f"{{{BPMN_NS}}}{name}" for name in ("userTask", "manualTask")}
_SKIPPED = {f"{{{BPMN_NS}}}{name}" for name in ("incoming", "outgoing", "flowNodeRef")}


@dataclass
class ElementChanges:
    added: list[str]
    removed: list[str]
    changed: list[str]
    # each element's type and name, from the newer version when it has the element
    labels: dict[str, tuple[str, str]]


def element_changes(old_xml: str, new_xml: str) -> ElementChanges:
    old, new = _elements(old_xml), _elements(new_xml)
    labels = {k: v[:2] for k, v in old.items()} | {k: v[:2] for k, v in new.items()}
    return ElementChanges(
        added=sorted(new.keys() - old.keys()),
        removed=sorted(old.keys() - new.keys()),
        changed=sorted(k for k in old.keys() & new.keys() if old[k][2] != new[k][2]),
        labels=labels,
    )


def _elements(xml: str) -> dict[str, tuple[str, str, str]]:
    """Each BPMN element with an id: (type, name, signature)."""
    try:
        root = etree.fromstring(xml.encode(), _PARSER)
    except etree.XMLSyntaxError as exc:
        raise InvalidInput(f"the diagram is not well-formed XML: {exc}") from exc
    lanes = _lanes(root)
    found = {}
    for node in root.iter(f"{{{BPMN_NS}}}*"):
        element_id = node.get("id")
        if element_id is None or node is root:  # the document itself: its exporter is no change
            continue
        signature = _signature(node) + (lanes.get(element_id, "") if node.tag in _HUMAN else "")
        found[element_id] = (etree.QName(node).localname, node.get("name") or "", signature)
    return found


def _lanes(root) -> dict[str, str]:
    """Each flow node's lane, as its part of a human task's signature."""
    placed = {}
    for lane in root.iter(f"{{{BPMN_NS}}}lane"):
        for ref in lane.iter(f"{{{BPMN_NS}}}flowNodeRef"):
            placed[(ref.text or "").strip()] = f"|lane={lane.get('id')}:{lane.get('name') or ''}"
    return placed


def _signature(node) -> str:
    attributes = ",".join(f"{k}={v}" for k, v in sorted(node.attrib.items()))
    parts = [f"<{node.tag} {attributes}>{(node.text or '').strip()}"]
    for child in node:
        if not isinstance(child.tag, str) or child.tag in _SKIPPED:
            continue
        if etree.QName(child).namespace == BPMN_NS and child.get("id") is not None:
            continue
        parts.append(_signature(child))
    return "".join(parts) + "</>"
