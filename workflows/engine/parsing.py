"""Parsing BPMN with SpiffWorkflow's parser, accepting Camunda Modeler's extensions.

Each task spec gets ``extensions["meta"]``: its candidate groups, form names and
properties, read from either ``spiffworkflow:`` or ``camunda:`` markup, so the
runtime never needs to look at XML again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree
from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.parser.task_spec import BusinessRuleTaskParser
from SpiffWorkflow.spiff.specs.defaults import CallActivity

from workflows.engine.bpmn_markup import BPMN_NS, CAMUNDA_NS, NSMAP, is_executable, standardise
from workflows.engine.multi_instance import ParallelMultiInstance, SequentialMultiInstance
from workflows.engine.parser_messages import invalid_definition
from workflows.engine.timers import use_engine_clock
from workflows.errors import InvalidInput

_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
_GROUP = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
_TRAILING_GROUP = re.compile(r"[(（]\s*([A-Za-z][A-Za-z0-9_]{0,63})\s*[)）]\s*$")
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,254}$")
LANE_NAMING = (
    "name the lane '<any text> (<group>)', e.g. '审批 (approver)', or after the group alone "
    "(a group is lowercase letters, digits and underscores; the lane's case does not matter)"
)


def lane_group(lane_name: str | None) -> str | None:
    """A lane names its group plainly (``clerk``) or at the end (``窗口受理 (clerk)``); the
    modeler's capitals are ignored (``Approver`` is the group ``approver``)."""
    if not lane_name:
        return None
    name = lane_name.strip()
    if _GROUP.match(name):
        return name.lower()
    match = _TRAILING_GROUP.search(name)
    return match.group(1).lower() if match else None


def split_list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _camunda_properties(node) -> dict:
    path = "./bpmn:extensionElements/camunda:properties/camunda:property"
    return {p.get("name"): p.get("value") for p in node.xpath(path, namespaces=NSMAP)}


def _camunda_form_fields(node) -> list[dict]:
    fields = []
    path = "./bpmn:extensionElements/camunda:formData/camunda:formField"
    for xml_field in node.xpath(path, namespaces=NSMAP):
        fields.append(
            {
                "id": xml_field.get("id"),
                "label": xml_field.get("label"),
                "type": xml_field.get("type", "string"),
                "default": xml_field.get("defaultValue"),
                "values": {
                    v.get("id"): v.get("name") for v in xml_field.xpath("./camunda:value", namespaces=NSMAP)
                },
                "constraints": {
                    c.get("name"): c.get("config")
                    for c in xml_field.xpath("./camunda:validation/camunda:constraint", namespaces=NSMAP)
                },
            }
        )
    return fields


def task_meta(node, spiff_extensions: dict, lane: str | None) -> dict:
    """What the engine needs to know about a task, whichever modeler wrote it."""
    properties = {**spiff_extensions.get("properties", {}), **_camunda_properties(node)}
    groups = split_list(node.get(f"{{{CAMUNDA_NS}}}candidateGroups"))
    groups = groups or split_list(properties.get("candidateGroups"))
    if not groups and lane_group(lane):
        groups = [lane_group(lane)]
    assignee = node.get(f"{{{CAMUNDA_NS}}}assignee") or properties.get("assignee")
    return {
        "candidate_groups": groups,
        "assignee": assignee,
        "form": node.get(f"{{{CAMUNDA_NS}}}formKey") or properties.get("formJsonSchemaFilename"),
        "ui_form": properties.get("formUiSchemaFilename"),
        "form_fields": _camunda_form_fields(node),
        "properties": properties,
    }


class _MetaMixin:
    PARALLEL_MI_CLASS = ParallelMultiInstance
    SEQUENTIAL_MI_CLASS = SequentialMultiInstance

    def parse_extensions(self, node=None):
        node = self.node if node is None else node
        extensions = super().parse_extensions(node)
        extensions["meta"] = task_meta(node, extensions, getattr(self, "lane", None))
        return extensions


class _DecisionParser(BusinessRuleTaskParser):
    """Business rule tasks name their DMN decision the Spiff way or Camunda's (decisionRef)."""

    @staticmethod
    def get_decision_ref(node):
        return BusinessRuleTaskParser.get_decision_ref(node) or node.get(f"{{{CAMUNDA_NS}}}decisionRef")


_PARSERS = {
    **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
    full_tag("businessRuleTask"): (
        _DecisionParser,
        SpiffBpmnParser.OVERRIDE_PARSER_CLASSES[full_tag("businessRuleTask")][1],
    ),
}


class BureauParser(SpiffBpmnParser):
    """Spiff's parser; every task parser also records the normalised ``meta``."""

    OVERRIDE_PARSER_CLASSES = {
        tag: (type(f"Meta{parser.__name__}", (_MetaMixin, parser), {}), spec_class)
        for tag, (parser, spec_class) in _PARSERS.items()
    }

    def __init__(self):
        super().__init__(validator=VALIDATOR)

    def add_bpmn_xml(self, bpmn, filename=None):
        """``parse_processes`` validates each document as written, before rewriting it
        (rewritten multi-instance items may repeat an id, which the schema forbids)."""
        validator, self.validator = self.validator, None
        try:
            super().add_bpmn_xml(bpmn, filename)
        finally:
            self.validator = validator


@dataclass
class ParsedProcess:
    key: str
    name: str | None
    file: str
    xml: str
    spec: object
    subprocess_specs: dict
    called_keys: list[str]
    lane_groups: list[str]
    starter_groups: list[str]
    properties: dict
    node: object = field(repr=False)
    warnings: list[dict] = field(default_factory=list)


def read_xml(content: bytes, filename: str):
    try:
        root = etree.fromstring(content, _XML_PARSER)
    except etree.XMLSyntaxError as exc:
        raise InvalidInput(f"{filename} is not well-formed XML: {exc}", file=filename) from exc
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        # Entities are never expanded nor DTDs loaded, but a document type is only ever a way to
        # smuggle them in (local files, entity expansion): BPMN and DMN are defined by XML schemas.
        raise InvalidInput(
            f"{filename} declares a document type (<!DOCTYPE>); BPMN and DMN files may not",
            file=filename,
        )
    return root


def parse_processes(
    bpmn_files: dict[str, bytes], dmn_files: dict[str, bytes], check_document=None
) -> list[ParsedProcess]:
    """Parse the executable processes of ``bpmn_files`` (DMN files resolve decisions).

    ``check_document(root, filename)`` sees each document before SpiffWorkflow does.
    """
    parser = BureauParser()
    roots, originals, warnings = {}, {}, {}
    for name, content in bpmn_files.items():
        root = read_xml(content, name)
        if etree.QName(root).localname != "definitions" or etree.QName(root).namespace != BPMN_NS:
            raise InvalidInput(f"{name} is not a BPMN 2.0 document (no bpmn:definitions root)", file=name)
        originals[name] = etree.tostring(root, encoding="unicode")
        if check_document is not None:
            check_document(root, name)
        _add(lambda r=root, n=name: VALIDATOR.validate(r, n), name, root)
        warnings[name] = standardise(root, name)
        _add(lambda r=root, n=name: parser.add_bpmn_xml(r, filename=n), name, root)
        roots[name] = root
    for name, content in dmn_files.items():
        root = read_xml(content, name)
        _add(lambda r=root, n=name: parser.add_dmn_xml(r, filename=n), name, root)
    processes = []
    for name, root in roots.items():
        executable = [n for n in root.xpath("./bpmn:process", namespaces=NSMAP) if is_executable(n)]
        if not executable:
            raise InvalidInput(
                f'{name} holds no executable process: every process is marked isExecutable="false"',
                file=name,
            )
        for node in executable:
            processes.append(_parse_one(parser, node, name, originals[name], warnings[name]))
    return processes


def _add(action, filename: str, root) -> None:
    try:
        action()
    except ValidationException as exc:
        raise invalid_definition(exc, filename, root) from exc


def _parse_one(parser: BureauParser, node, filename: str, xml: str, warnings: dict) -> ParsedProcess:
    key = node.get("id")
    if not _KEY.match(key or ""):
        raise InvalidInput(f"process id '{key}' is not a valid key", file=filename, element=key)
    try:
        spec = parser.get_spec(key)
        embedded, called = {}, []
        _collect_subprocesses(parser, spec, embedded, called)
    except ValidationException as exc:
        raise invalid_definition(exc, filename, node.getroottree().getroot()) from exc
    for s in (spec, *embedded.values()):
        use_engine_clock(s)
        _share_loop_extensions(s)
    lanes = [lane_group(lane.get("name")) for lane in node.xpath(".//bpmn:lane", namespaces=NSMAP)]
    task_groups = [g for s in (spec, *embedded.values()) for g in _spec_groups(s)]
    return ParsedProcess(
        key=key,
        name=node.get("name"),
        file=filename,
        xml=xml,
        spec=spec,
        subprocess_specs=embedded,
        called_keys=sorted(set(called)),
        lane_groups=sorted({g for g in lanes + task_groups if g}),
        starter_groups=_starter_groups(node),
        properties=_process_properties(node),
        node=node,
        warnings=[
            {"element": element, "detail": detail}
            for element, detail in warnings.items()
            if node.xpath(".//*[@id=$id]", id=element)
        ],
    )


def _share_loop_extensions(spec) -> None:
    """A multi-instance activity carries the properties (deadline ...) of the element it repeats."""
    for task_spec in spec.task_specs.values():
        child = getattr(task_spec, "task_spec", None)
        if (
            getattr(task_spec, "extensions", None) is None
            and isinstance(child, str)
            and child in spec.task_specs
        ):
            task_spec.extensions = getattr(spec.task_specs[child], "extensions", None)


def _collect_subprocesses(parser, spec, embedded: dict, called: list) -> None:
    for task_spec in spec.task_specs.values():
        if not isinstance(task_spec, SubWorkflowTask):
            continue
        if isinstance(task_spec, CallActivity):
            called.append(task_spec.spec)
        elif task_spec.spec not in embedded:
            embedded[task_spec.spec] = parser.get_spec(task_spec.spec)
            _collect_subprocesses(parser, embedded[task_spec.spec], embedded, called)


def _spec_groups(spec) -> list[str]:
    groups = []
    for task_spec in spec.task_specs.values():
        meta = (getattr(task_spec, "extensions", None) or {}).get("meta") or {}
        groups.extend(g for g in meta.get("candidate_groups", []) if not g.strip().startswith("${"))
    return groups


def _process_properties(node) -> dict:
    """Process-level properties (``statutoryLimit`` ...), spiffworkflow: or camunda: style."""
    path = "./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property"
    spiff = {p.get("name"): p.get("value") for p in node.xpath(path, namespaces=NSMAP)}
    return {**spiff, **_camunda_properties(node)}


def _starter_groups(node) -> list[str]:
    groups = split_list(node.get(f"{{{CAMUNDA_NS}}}candidateStarterGroups"))
    path = (
        "./bpmn:extensionElements/spiffworkflow:properties"
        "/spiffworkflow:property[@name='candidateStarterGroups']"
    )
    for prop in node.xpath(path, namespaces=NSMAP):
        groups.extend(split_list(prop.get("value")))
    return sorted(set(groups))


def user_task_specs(process: ParsedProcess):
    """The human tasks (user and manual tasks) of a process and its embedded subprocesses."""
    for spec in (process.spec, *process.subprocess_specs.values()):
        for task_spec in spec.task_specs.values():
            if getattr(task_spec, "manual", False):
                yield task_spec
