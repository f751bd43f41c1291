"""The shipped diagrams read on a case page (bpmn-js viewer): every flow node and flow is drawn,
no flow runs through a shape it does not connect, no label covers another label or a shape,
flows are orthogonal and start and end on their shapes' outlines, each node sits in its lane,
and a diagram fits a page's width. Geometry comes from the diagram interchange (``bpmndi``)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations
from pathlib import Path
from typing import NamedTuple

import pytest
from lxml import etree

DIAGRAMS = sorted((Path(__file__).resolve().parent.parent / "bpmn").glob("*.bpmn"))
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
}
# A flow may graze a shape's outline by this much (its ends sit on its own shapes' outlines).
TOLERANCE = 2
PAGE_WIDTH = 2000
ACTIVITIES = {"task", "subProcess", "callActivity", "transaction", "adHocSubProcess"}
FLOWS = {"sequenceFlow", "messageFlow"}


class Box(NamedTuple):
    x: float
    y: float
    w: float
    h: float

    def grown(self, by: float) -> Box:
        return Box(self.x - by, self.y - by, self.w + 2 * by, self.h + 2 * by)

    def overlaps(self, other: Box) -> bool:
        return (
            self.x < other.x + other.w
            and other.x < self.x + self.w
            and self.y < other.y + other.h
            and other.y < self.y + self.h
        )

    def contains(self, other: Box) -> bool:
        return (
            self.x <= other.x
            and self.y <= other.y
            and other.x + other.w <= self.x + self.w
            and other.y + other.h <= self.y + self.h
        )


def _kind(element) -> str:
    return etree.QName(element).localname


def _is_flow_node(kind: str) -> bool:
    return kind in ACTIVITIES or kind.endswith(("Task", "Event", "Gateway"))


def _has_external_label(kind: str) -> bool:
    return kind in FLOWS or kind.endswith(("Event", "Gateway"))


def _bounds(node) -> Box:
    b = node.find("dc:Bounds", NS)
    return Box(*(float(b.get(a)) for a in ("x", "y", "width", "height")))


class Plane(NamedTuple):
    name: str
    shapes: dict[str, Box]
    labels: dict[str, Box]
    edges: dict[str, list[tuple[float, float]]]


def _planes(root, path: Path) -> Iterator[Plane]:
    for plane in root.iterfind(".//bpmndi:BPMNPlane", NS):
        name = f"{path.name} ({plane.get('bpmnElement')})"
        shapes = {s.get("bpmnElement"): _bounds(s) for s in plane.iterfind("bpmndi:BPMNShape", NS)}
        labels = {
            d.get("bpmnElement"): _bounds(d.find("bpmndi:BPMNLabel", NS))
            for d in plane
            if d.find("bpmndi:BPMNLabel/dc:Bounds", NS) is not None
        }
        edges = {
            e.get("bpmnElement"): [
                (float(w.get("x")), float(w.get("y"))) for w in e.iterfind("di:waypoint", NS)
            ]
            for e in plane.iterfind("bpmndi:BPMNEdge", NS)
        }
        yield Plane(name, shapes, labels, edges)


class Diagram(NamedTuple):
    path: Path
    root: etree._Element
    elements: dict[str, etree._Element]
    planes: list[Plane]

    def kind(self, element_id: str) -> str:
        return _kind(self.elements[element_id]) if element_id in self.elements else ""

    def obstacles(self, plane: Plane) -> dict[str, Box]:
        return {i: box for i, box in plane.shapes.items() if _is_flow_node(self.kind(i))}


def _load(path: Path) -> Diagram:
    root = etree.parse(str(path)).getroot()
    elements = {e.get("id"): e for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
    return Diagram(path, root, elements, list(_planes(root, path)))


@pytest.fixture(params=DIAGRAMS, ids=[p.name for p in DIAGRAMS])
def diagram(request) -> Diagram:
    return _load(request.param)


def _crosses(a: tuple[float, float], b: tuple[float, float], box: Box) -> bool:
    """Whether segment a-b enters the inside of ``box`` (Liang-Barsky clipping)."""
    (x0, y0), (dx, dy) = a, (b[0] - a[0], b[1] - a[1])
    low, high = 0.0, 1.0
    for p, q in ((-dx, x0 - box.x), (dx, box.x + box.w - x0), (-dy, y0 - box.y), (dy, box.y + box.h - y0)):
        if p == 0:
            if q <= 0:
                return False
        elif p < 0:
            low = max(low, q / p)
        else:
            high = min(high, q / p)
    return high - low > 1e-9


def _on_outline(point: tuple[float, float], kind: str, box: Box) -> bool:
    """Whether ``point`` lies on the drawn outline: a gateway's diamond, an event's circle, or a box."""
    (x, y), (cx, cy) = point, (box.x + box.w / 2, box.y + box.h / 2)
    if kind.endswith("Gateway"):
        return abs(abs(x - cx) / (box.w / 2) + abs(y - cy) / (box.h / 2) - 1) * box.w / 2 <= TOLERANCE
    if kind.endswith("Event"):
        return abs(((x - cx) ** 2 + (y - cy) ** 2) ** 0.5 - box.w / 2) <= TOLERANCE
    dot = Box(x, y, 0, 0)
    return box.grown(TOLERANCE).contains(dot) and not box.grown(-TOLERANCE).contains(dot)


def _segments(points: list[tuple[float, float]]):
    return enumerate(zip(points, points[1:], strict=False), 1)


def _undrawn(diagram: Diagram) -> list[str]:
    drawn = {i for plane in diagram.planes for i in (*plane.shapes, *plane.edges)}
    return [
        f"{diagram.path.name}: no shape or edge for {i}"
        for i, e in diagram.elements.items()
        if (_is_flow_node(_kind(e)) or _kind(e) in FLOWS | {"lane", "participant"}) and i not in drawn
    ]


def _flows_through_shapes(diagram: Diagram) -> list[str]:
    """Shapes are shrunk by the tolerance: a flow touching its own source or target at its ends
    (or running along an outline) passes; running through any shape, its own included, fails."""
    found = []
    for plane in diagram.planes:
        inner = {i: box.grown(-TOLERANCE) for i, box in diagram.obstacles(plane).items()}
        for flow, points in plane.edges.items():
            found += [
                f"{plane.name}: {flow} segment {n} crosses {i}"
                for n, (a, b) in _segments(points)
                for i, box in inner.items()
                if _crosses(a, b, box)
            ]
    return found


def _unlabelled(diagram: Diagram) -> list[str]:
    return [
        f"{plane.name}: {i} has a name but no label bounds"
        for plane in diagram.planes
        for i in (*plane.shapes, *plane.edges)
        if _has_external_label(diagram.kind(i)) and diagram.elements[i].get("name") and i not in plane.labels
    ]


def _overlapping_labels(diagram: Diagram) -> list[str]:
    found = []
    for plane in diagram.planes:
        labels = {i: box for i, box in plane.labels.items() if diagram.elements[i].get("name")}
        found += [
            f"{plane.name}: labels of {a} and {b} overlap"
            for (a, p), (b, q) in combinations(labels.items(), 2)
            if p.overlaps(q)
        ]
        found += [
            f"{plane.name}: label of {label} overlaps {shape}"
            for label, box in labels.items()
            for shape, bounds in diagram.obstacles(plane).items()
            if shape != label and box.overlaps(bounds)
        ]
    return found


def _overlapping_shapes(diagram: Diagram) -> list[str]:
    """Shapes may touch, and a boundary event sits on its activity; no other pair overlaps."""
    attached = {(i, e.get("attachedToRef")) for i, e in diagram.elements.items() if e.get("attachedToRef")}
    return [
        f"{plane.name}: {a} and {b} overlap"
        for plane in diagram.planes
        for (a, p), (b, q) in combinations(diagram.obstacles(plane).items(), 2)
        if p.overlaps(q) and (a, b) not in attached and (b, a) not in attached
    ]


def _misdrawn_flows(diagram: Diagram) -> list[str]:
    found = []
    for plane in diagram.planes:
        for flow, points in plane.edges.items():
            element = diagram.elements[flow]
            ends = ((element.get("sourceRef"), points[0]), (element.get("targetRef"), points[-1]))
            found += [
                f"{plane.name}: {flow} does not end on the outline of {ref}"
                for ref, point in ends
                if ref not in plane.shapes or not _on_outline(point, diagram.kind(ref), plane.shapes[ref])
            ]
            found += [
                f"{plane.name}: {flow} segment {n} is slanted"
                for n, (a, b) in _segments(points)
                if abs(a[0] - b[0]) > 1 and abs(a[1] - b[1]) > 1
            ]
    return found


def _misplaced_nodes(diagram: Diagram) -> list[str]:
    shapes = {i: box for plane in diagram.planes for i, box in plane.shapes.items()}
    found = [
        f"{diagram.path.name}: {ref.text} lies outside {ref.getparent().get('id')}"
        for ref in diagram.root.iterfind(".//bpmn:lane/bpmn:flowNodeRef", NS)
        if not shapes[ref.getparent().get("id")].contains(shapes[ref.text])
    ]
    for i, element in diagram.elements.items():
        host = element.get("attachedToRef")
        if _kind(element) == "boundaryEvent" and host:
            box = shapes[i]
            if not _on_outline((box.x + box.w / 2, box.y + box.h / 2), "task", shapes[host]):
                found.append(f"{diagram.path.name}: {i} is not on the outline of {host}")
    return found


def _too_wide(diagram: Diagram) -> list[str]:
    found = []
    for plane in diagram.planes:
        xs = [x for box in (*plane.shapes.values(), *plane.labels.values()) for x in (box.x, box.x + box.w)]
        xs += [x for points in plane.edges.values() for x, _ in points]
        if max(xs) - min(xs) > PAGE_WIDTH:
            found.append(f"{plane.name} is {max(xs) - min(xs):.0f} px wide")
    return found


def test_every_flow_node_flow_lane_and_pool_is_drawn(diagram):
    assert _undrawn(diagram) == []


def test_no_flow_passes_through_a_shape(diagram):
    assert _flows_through_shapes(diagram) == []


def test_every_named_flow_gateway_and_event_has_its_own_label_bounds(diagram):
    assert _unlabelled(diagram) == []


def test_no_label_overlaps_another_label_or_a_shape(diagram):
    assert _overlapping_labels(diagram) == []


def test_no_two_shapes_overlap(diagram):
    assert _overlapping_shapes(diagram) == []


def test_flows_are_orthogonal_and_start_and_end_on_their_shapes(diagram):
    assert _misdrawn_flows(diagram) == []


def test_flow_nodes_sit_in_their_lanes_and_boundary_events_on_their_activities(diagram):
    assert _misplaced_nodes(diagram) == []


def test_each_diagram_fits_a_case_page(diagram):
    assert _too_wide(diagram) == []
