"""Turning specs and running workflows into JSON and back.

Instance state is stored without its spec: the spec belongs to the definition
version and is restored once per process from the definition's ``spec_json``
(never by re-parsing BPMN), then shared by every instance of that version.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from copy import deepcopy
from datetime import date, datetime
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnWorkflowConverter,
    WorkflowConverter,
)
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from workflows.clock import format_moment
from workflows.engine.multi_instance import MULTI_INSTANCE_CONVERTERS
from workflows.engine.timers import TIMER_CONVERTERS


class _InstanceConverter(BpmnWorkflowConverter):
    """Spiff's workflow converter minus the specs, which callers supply on restore."""

    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _build_registry():
    config = deepcopy(SPIFF_CONFIG)
    config[BpmnWorkflow] = _InstanceConverter
    config.update(TIMER_CONVERTERS)
    config.update(MULTI_INSTANCE_CONVERTERS)
    registry = BpmnWorkflowSerializer.configure(config)
    registry.register(
        date, lambda v: {"value": v.isoformat()}, lambda v: date.fromisoformat(v["value"]), "date"
    )
    return registry


_REGISTRY = _build_registry()
_SERIALIZER = BpmnWorkflowSerializer(_REGISTRY)


def spec_registry():
    """The converter registry of specs and workflows (SpiffWorkflow's spec diff compares with it)."""
    return _REGISTRY


def dump_specs(spec, subprocess_specs: dict) -> str:
    return json.dumps(
        {
            "spec": _REGISTRY.convert(spec),
            "subprocess_specs": {name: _REGISTRY.convert(s) for name, s in subprocess_specs.items()},
        },
        sort_keys=True,
    )


_SPEC_CACHE: OrderedDict[str, tuple] = OrderedDict()
_SPEC_CACHE_SIZE = 512
_SPEC_CACHE_LOCK = threading.Lock()
_SPEC_CACHE_STATS = {"hits": 0, "misses": 0}


def cached_specs(cache_key: str, load_json: Callable[[], str]) -> tuple:
    """A definition's (spec, subprocess specs), restored once per process.

    ``cache_key`` is the definition's content hash, so equal content shares one
    entry; ``load_json`` is only called on a miss.
    """
    with _SPEC_CACHE_LOCK:
        if cache_key in _SPEC_CACHE:
            _SPEC_CACHE_STATS["hits"] += 1
            _SPEC_CACHE.move_to_end(cache_key)
            return _SPEC_CACHE[cache_key]
        _SPEC_CACHE_STATS["misses"] += 1
    dct = json.loads(load_json())
    specs = (
        _REGISTRY.restore(dct["spec"]),
        {name: _REGISTRY.restore(s) for name, s in dct["subprocess_specs"].items()},
    )
    with _SPEC_CACHE_LOCK:
        _SPEC_CACHE[cache_key] = specs
        while len(_SPEC_CACHE) > _SPEC_CACHE_SIZE:
            _SPEC_CACHE.popitem(last=False)
    return specs


def spec_cache_info() -> dict:
    """Hits and misses of the spec cache since the process started (for metrics and tests)."""
    with _SPEC_CACHE_LOCK:
        return {**_SPEC_CACHE_STATS, "size": len(_SPEC_CACHE)}


def dump_workflow(workflow: BpmnWorkflow) -> str:
    return _SERIALIZER.serialize_json(workflow)


def load_workflow(serialized: str, spec, subprocess_specs: dict, script_engine) -> BpmnWorkflow:
    dct = json.loads(serialized)
    _SERIALIZER.migrate(dct)
    workflow = _REGISTRY.restore(dct, spec=spec, subprocess_specs=subprocess_specs)
    workflow.script_engine = script_engine
    return workflow


def to_json_data(data: dict) -> dict:
    """Task data as plain JSON values for API responses: moments in the API's convention, dates
    as ISO strings, and a number a script left infinite or NaN as null (JSON has no such number)."""
    text = json.dumps(_REGISTRY.clean(data), default=_json_default)
    return json.loads(text, parse_constant=lambda _: None)


def _json_default(value):
    if isinstance(value, datetime) and value.tzinfo is not None:
        return format_moment(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
