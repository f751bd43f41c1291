"""Multi-instance activities whose completion condition sees Camunda's loop variables.

Camunda Modeler's any-one sign (或签) is written ``${nrOfCompletedInstances >= 1}``. BPMN
names these variables and Camunda provides them; SpiffWorkflow evaluates the condition on
the instance's data alone. Here the condition also sees ``nrOfInstances``,
``nrOfCompletedInstances``, ``nrOfActiveInstances`` (always 1 when sequential, as in
Camunda) and ``loopCounter`` (the completed instance's position, from 0); a case variable
of the same name wins. With an output collection (``loopDataOutputRef`` and
``outputDataItem``), ``completedOutputs`` lists the output items of the instances completed
so far, in the order they completed, so a condition can count answers (a two-thirds
countersign: ``docs/patterns/countersign_ratio.bpmn``).

A parallel activity creates all its instances at once, so a cardinality or collection past
``MAX_PARALLEL_INSTANCES`` puts the case in error at that activity instead of building
millions of tasks in one request.
"""

from __future__ import annotations

from collections.abc import Sized

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.spiff.serializer.task_spec import SpiffMultiInstanceConverter
from SpiffWorkflow.spiff.specs.defaults import ParallelMultiInstanceTask, SequentialMultiInstanceTask

from workflows.engine import spiff_compat

# More parallel instances than any countersign or review needs; each one is a task row.
MAX_PARALLEL_INSTANCES = 1000


def _completion_condition_met(spec, my_task) -> bool:
    merged = spiff_compat.get_internal(my_task, "merged", [])
    if not merged or spec.condition is None:
        return False
    instances = spiff_compat.instance_tasks(spec, my_task)
    last = next(child for child in instances if str(child.id) == merged[-1])
    if spec.data_input is not None:
        total = len(spec.data_input.get(my_task))
    else:
        total = spiff_compat.get_internal(my_task, "cardinality", len(instances))
    sequential = isinstance(spec, SequentialMultiInstanceTask)
    loop_variables = {
        "nrOfInstances": total,
        "nrOfCompletedInstances": len(merged),
        "nrOfActiveInstances": 1 if sequential else total - len(merged),
        "loopCounter": instances.index(last),
        "completedOutputs": _completed_outputs(spec, instances, merged),
    }
    return my_task.workflow.script_engine.evaluate(last, spec.condition, external_context=loop_variables)


def _completed_outputs(spec, instances, merged: list[str]) -> list:
    if spec.output_item is None:
        return []
    by_id = {str(child.id): child for child in instances}
    return [by_id[i].data.get(spec.output_item.bpmn_id) for i in merged if i in by_id]


class TooManyInstances(WorkflowTaskException):
    def __init__(self, task):
        super().__init__(
            f"the multi-instance activity would start more than {MAX_PARALLEL_INSTANCES} "
            "parallel instances (check its loop cardinality or collection)",
            task=task,
        )


class ParallelMultiInstance(ParallelMultiInstanceTask):
    def check_completion_condition(self, my_task):
        return _completion_condition_met(self, my_task)

    def create_children(self, my_task):
        """Refuse an oversized cardinality or input collection before creating any instance
        (an iterable without a length is counted as its instances are created)."""
        if self.data_input is not None:
            items = self.data_input.get(my_task)
            if isinstance(items, Sized) and len(items) > MAX_PARALLEL_INSTANCES:
                raise TooManyInstances(my_task)
            return super().create_children(my_task)
        cardinality = my_task.workflow.script_engine.evaluate(my_task, self.cardinality)
        if isinstance(cardinality, int) and cardinality > MAX_PARALLEL_INSTANCES:
            raise TooManyInstances(my_task)
        if self.data_output is not None:
            self.init_data_output_with_cardinality(my_task)
        for index in range(cardinality):
            self.create_child(my_task, index, index)

    def create_child(self, my_task, item, key_or_index=None):
        if len(my_task.children) >= MAX_PARALLEL_INSTANCES:
            raise TooManyInstances(my_task)
        super().create_child(my_task, item, key_or_index)


class SequentialMultiInstance(SequentialMultiInstanceTask):
    def check_completion_condition(self, my_task):
        return _completion_condition_met(self, my_task)


MULTI_INSTANCE_CONVERTERS = {
    ParallelMultiInstance: SpiffMultiInstanceConverter,
    SequentialMultiInstance: SpiffMultiInstanceConverter,
}
