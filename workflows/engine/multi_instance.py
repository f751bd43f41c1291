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
"""

from __future__ import annotations

from SpiffWorkflow.spiff.serializer.task_spec import SpiffMultiInstanceConverter
from SpiffWorkflow.spiff.specs.defaults import ParallelMultiInstanceTask, SequentialMultiInstanceTask

from workflows.engine import spiff_compat


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


class ParallelMultiInstance(ParallelMultiInstanceTask):
    def check_completion_condition(self, my_task):
        return _completion_condition_met(self, my_task)


class SequentialMultiInstance(SequentialMultiInstanceTask):
    def check_completion_condition(self, my_task):
        return _completion_condition_met(self, my_task)


MULTI_INSTANCE_CONVERTERS = {
    ParallelMultiInstance: SpiffMultiInstanceConverter,
    SequentialMultiInstance: SpiffMultiInstanceConverter,
}
