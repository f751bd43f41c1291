"""How case data moves between tasks: what a step writes replaces, it is never merged in.

SpiffWorkflow 3.2 combines task data with its ``DeepMerge``: a list given as an answer is
merged into the earlier list of the same name (new items appended, then the list trimmed to
the new length), objects are merged key by key, and a waiting event's parent data wins over
the message payload. A second supplement notice (补正) ``["B1"]`` after ``["A1", "A2"]`` was
stored and shown as ``["A1"]``. This module is the one place where the engine changes how
SpiffWorkflow moves data; ``install()`` is called once, by the ``workflows`` package.

What changes, and the rule it follows:

- **A step replaces the variables it names.** A task starts from a deep copy of its parent's
  data; a user task's answer, a loop iteration's data and a message payload replace each
  top-level variable they name (``DeepMerge`` is swapped for ``ReplacingMerge`` in the modules
  that merge task data). Variables not named are untouched. A DMN result still merges: its
  dotted outputs (``applicant.risk``) are meant to set one field of an object.
- **A join keeps what each branch changed.** Each variable takes the value of the branch that
  changed it since the fork (the branch that arrived last wins a tie); unchanged variables keep
  the fork's value. Only branches of the join's current round count, not earlier loop rounds.
- **A multi-instance instance starts from the data it is about:** the case data as it stood
  before any instance of the activity wrote (in this round or an earlier round of the same
  activity), plus its input item. Instances' changes reach the case when the activity
  completes, in the order the instances completed; the item variable stays with its instance.
- **A message payload** replaces the variables it names (or fills ``messageVariable``) when
  the catch event runs, after the event has taken its parent's data (also when the event
  waits for a message or a timer). Correlation expressions
  the payload cannot answer are skipped instead of failing the catch: the engine correlates
  messages by its own subscriptions (``messages.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from copy import deepcopy

import SpiffWorkflow.task as spiff_task
from SpiffWorkflow.bpmn.specs import bpmn_process_spec
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.mixins import multiinstance_task
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.bpmn.specs.mixins.unstructured_join import UnstructuredJoin
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition as SpiffMessageEventDefinition
from SpiffWorkflow.spiff.specs.mixins import user_task
from SpiffWorkflow.util.task import TaskState

from workflows.engine import spiff_compat

INSTANCE_WRITES = "instance_writes"


class ReplacingMerge:
    """Stands in for SpiffWorkflow's ``DeepMerge`` where task data is combined."""

    @staticmethod
    def merge(a: dict, b: dict, path=None) -> dict:
        a.update(deepcopy(b))
        return a


_MERGING_MODULES = (spiff_task, user_task, multiinstance_task, bpmn_process_spec)


def install() -> None:
    """Apply the rules above to SpiffWorkflow (idempotent)."""
    for module in _MERGING_MODULES:
        module.DeepMerge = ReplacingMerge
    UnstructuredJoin._run_hook = _join_branches
    MultiInstanceTask._update_hook = _start_activity
    MultiInstanceTask.merge_child = _note_completed_instance
    MultiInstanceTask._run_hook = _apply_instances
    SpiffMessageEventDefinition.update_task_data = _apply_payload
    MultipleEventDefinition.update_task_data = _apply_seen_payloads
    MessageEventDefinition.calculate_correlations = _answerable_correlations


def _join_branches(self, my_task) -> bool:
    finished = [
        t
        for t in my_task.workflow.tasks.values()
        if t.task_spec == self and t.has_state(TaskState.FINISHED_MASK) and not my_task.is_descendant_of(t)
    ]
    previous = _previous_firing(my_task)
    arrived = sorted(
        (t for t in finished if previous is None or t.is_descendant_of(previous)),
        key=lambda t: t.last_state_change,
    )
    ends = [t.parent for t in arrived] + [my_task.parent]
    fork = _common_ancestor(ends)
    data = deepcopy(fork.data)
    for end in ends:
        data.update(deepcopy(_changes(fork.data, end.data)))
    for task in finished:
        if task.has_state(TaskState.COMPLETED):
            spiff_compat.drop_children(task)
    my_task.data = data
    return True


def _previous_firing(my_task):
    """The last time this join fired before (an earlier round of a loop), if any."""
    task = my_task.parent
    while task is not None:
        if task.task_spec == my_task.task_spec:
            return task
        task = task.parent
    return None


def _common_ancestor(tasks):
    chain = []
    task = tasks[0]
    while task is not None:
        chain.append(task)
        task = task.parent
    for candidate in chain:
        if all(t is candidate or t.is_descendant_of(candidate) for t in tasks[1:]):
            return candidate
    return chain[-1]


def _changes(base: dict, data: dict, ignore=()) -> dict:
    return {k: v for k, v in data.items() if k not in ignore and (k not in base or base[k] != v)}


def _start_activity(self, my_task):
    result = super(MultiInstanceTask, self)._update_hook(my_task)
    earlier = sorted(
        (
            t
            for t in my_task.workflow.tasks.values()
            if t.task_spec == self and spiff_compat.get_internal(t, INSTANCE_WRITES) is not None
        ),
        key=lambda t: t.last_state_change,
        reverse=True,
    )
    for task in earlier:
        _forget_writes(my_task.data, task)
    return result


def _forget_writes(data: dict, earlier_round) -> None:
    """Undo what an earlier round's instances wrote, where nothing has changed it since."""
    writes = spiff_compat.get_internal(earlier_round, INSTANCE_WRITES)
    for name in writes["written"]:
        if name not in data or data[name] != earlier_round.data.get(name):
            continue
        if name in writes["before"]:
            data[name] = deepcopy(writes["before"][name])
        else:
            del data[name]


def _note_completed_instance(self, workflow, child) -> None:
    spiff_compat.get_internal(child.parent, "merged").append(str(child.id))


def _apply_instances(self, my_task) -> bool:
    """When the activity completes: each instance's output, or its changed variables, in turn."""
    by_id = {str(c.id): c for c in my_task.children}
    merged = [by_id[i] for i in spiff_compat.get_internal(my_task, "merged", []) if i in by_id]
    if self.data_output is not None and self.output_item is not None:
        for child in merged:
            _collect_output(self, my_task, child)
    else:
        own = {v.bpmn_id for v in (self.input_item, self.output_item) if v is not None}
        base = my_task.data
        changes = [_changes(base, child.data, own) for child in merged]
        written = list(dict.fromkeys(name for changed in changes for name in changed))
        before = {name: deepcopy(base[name]) for name in written if name in base}
        for changed in changes:
            base.update(deepcopy(changed))
        spiff_compat.set_internal(my_task, **{INSTANCE_WRITES: {"written": written, "before": before}})
    return super(MultiInstanceTask, self)._run_hook(my_task)


def _collect_output(self, my_task, child) -> None:
    if not self.output_item.exists(child):
        self.raise_data_exception("Expected an output item", child)
    item = deepcopy(self.output_item.get(child))
    key_or_index = spiff_compat.get_internal(child, "key_or_index")
    data_output = self.data_output.get(my_task)
    data_input = self.data_input.get(my_task) if self.data_input is not None else None
    if key_or_index is not None and (isinstance(data_output, Mapping) or data_input is data_output):
        data_output[key_or_index] = item
    else:
        data_output.append(item)


def _apply_payload(self, my_task) -> None:
    payload = spiff_compat.pop_internal(my_task, self.name)
    if payload is None:
        return
    if self.message_var is not None:
        my_task.data[self.message_var] = deepcopy(payload)
    elif isinstance(payload, Mapping):
        my_task.data.update(deepcopy(dict(payload)))


def _apply_seen_payloads(self, my_task) -> None:
    """A catch event with several definitions (a message or a timer): the message's payload."""
    for event in spiff_compat.get_internal(my_task, "seen_events", []):
        if isinstance(event.event_definition, MessageEventDefinition) and isinstance(event.payload, Mapping):
            my_task.data.update(deepcopy(dict(event.payload)))


def _answerable_correlations(self, script_engine, properties, context) -> dict:
    correlations = {}
    for prop in properties:
        try:
            value = script_engine.environment.evaluate(prop.retrieval_expression, context)
        except Exception:  # noqa: BLE001 - a payload without the property does not correlate on it
            continue
        for key in prop.correlation_keys:
            correlations.setdefault(key, {})[prop.name] = value
    return correlations
