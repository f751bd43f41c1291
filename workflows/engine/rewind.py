"""Moving a case back to a user step that has already run: a return (退回) to an earlier step,
a withdrawal (撤回) of one's own completed step.

Both work on SpiffWorkflow's task tree. A step *happens before* another when it is an
ancestor of it in the tree, or an ancestor of a branch a parallel (or inclusive) join merged
on the way, or inside a called process or multi-instance activity that completed on the way
(``happens_before``). Going back to a step resets its branch
(``BpmnWorkflow.reset_from_task_id``, which drops the step's descendants, subprocesses
included) and cancels every other open task that happens after it. That second half is what
SpiffWorkflow leaves out: after a join, the step that follows lives below the last branch
to arrive, so a return into an earlier branch would leave it open beside the returned step
(a duplicate) until the branch arrives at the join again. The join itself needs no repair:
it counts the branches that still stand complete and waits only for the one going again.

A multi-instance activity is returned to as a whole: the activity is reset, so it creates
its instances again from its collection. Timers of the dropped and cancelled tasks end with
them; the returned step's boundary timers are reset with it and compute their moment anew.
"""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass

from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.specs.Join import Join
from SpiffWorkflow.util.task import TaskState

from workflows.engine import spiff_compat

_OPEN = TaskState.READY | TaskState.WAITING | TaskState.STARTED


@dataclass(frozen=True)
class Step:
    """A user step of the case that completed: ``anchor`` is the engine task a return resets
    (the step itself, or the whole multi-instance activity it is an instance of)."""

    anchor: object
    element_id: str
    tasks: tuple  # the completed user tasks the step stands for (one, or each instance)


def earlier_steps(task) -> list[Step]:
    """The user steps that happened before ``task``, the latest run of each element, in the
    order they completed."""
    latest: dict[str, Step] = {}
    for earlier in sorted(_before(task), key=lambda t: t.last_state_change):
        step = _as_step(earlier)
        if step is not None:
            latest.pop(step.element_id, None)
            latest[step.element_id] = step
    return list(latest.values())


def later_completed_steps(task) -> list:
    """The completed user tasks that happened after ``task`` (a withdrawal is refused then)."""
    workflow = task.workflow.top_workflow
    return [
        t
        for t in workflow.get_tasks(state=TaskState.COMPLETED)
        if t.task_spec.manual and t is not task and task.id in happens_before(t)
    ]


def happens_before(task) -> set:
    """The ids of the engine tasks that happened before ``task``."""
    return {t.id for t in _before(task)}


def _before(task) -> list:
    seen, found, queue = {task.id}, [], list(_predecessors(task))
    while queue:
        earlier = queue.pop()
        if earlier is None or earlier.id in seen:
            continue
        seen.add(earlier.id)
        found.append(earlier)
        queue.extend(_predecessors(earlier))
        if earlier.state == TaskState.COMPLETED:
            queue.extend(_inside(earlier))
    return found


def _predecessors(task) -> list:
    """The task's parent, or for the first task of a subprocess the activity that started it;
    for a join, also the other branches it merged."""
    if task.parent is None:
        workflow = task.workflow
        if workflow.parent_task_id is None:
            return []
        return [workflow.top_workflow.get_task_from_id(workflow.parent_task_id)]
    found = [task.parent]
    if isinstance(task.task_spec, Join) and task.state == TaskState.COMPLETED:
        found.extend(_merged_branches(task))
    return found


def _merged_branches(join) -> list:
    """The other arrivals at the same firing of ``join``: arrivals of the same join spec, done
    before it (SpiffWorkflow cancels all but the last), that are not an earlier or later
    round of a loop."""
    merged = []
    for other in join.workflow.tasks.values():
        if other is join or other.task_spec is not join.task_spec:
            continue
        if other.parent is None or other.parent.state != TaskState.COMPLETED:
            continue
        if join.is_descendant_of(other) or other.is_descendant_of(join):
            continue
        if _same_round(join, other):
            merged.append(other)
    return merged


def _same_round(join, other) -> bool:
    """No arrival at the same join lies between their common ancestor and either of them."""
    ancestors = []
    node = join.parent
    while node is not None:
        ancestors.append(node)
        node = node.parent
    common = other.parent
    ids = {a.id for a in ancestors}
    path = []
    while common is not None and common.id not in ids:
        path.append(common)
        common = common.parent
    between = ancestors[: next((i for i, a in enumerate(ancestors) if a is common), len(ancestors))]
    return not any(t.task_spec is join.task_spec for t in [*between, *path])


def _inside(task) -> list:
    """What ran inside a completed activity: the instances of a multi-instance task, the last
    task of a subprocess or called process."""
    if isinstance(task.task_spec, LoopTask):
        return spiff_compat.instance_tasks(task.task_spec, task)
    if isinstance(task.task_spec, SubWorkflowTask):
        subprocess = task.workflow.top_workflow.get_subprocess(task)
        if subprocess is not None:
            return [t for t in subprocess.tasks.values() if t.task_spec.name == "End"]
    return []


def _as_step(task) -> Step | None:
    if task.state != TaskState.COMPLETED:
        return None
    if isinstance(task.task_spec, LoopTask) and task.task_spec.manual is False:
        instances = [i for i in spiff_compat.instance_tasks(task.task_spec, task) if i.task_spec.manual]
        done = tuple(i for i in instances if i.state == TaskState.COMPLETED)
        return Step(task, task.task_spec.bpmn_id, done) if done else None
    if not task.task_spec.manual or _instance_of(task) is not None:
        return None
    return Step(task, task.task_spec.bpmn_id, (task,))


def _instance_of(task):
    """The multi-instance task ``task`` is an instance of, if any."""
    parent = task.parent
    if parent is not None and isinstance(parent.task_spec, LoopTask):
        if parent.task_spec.task_spec == task.task_spec.name:
            return parent
    return None


def instance_of(task):
    """The multi-instance task ``task`` is an instance of, if any."""
    return _instance_of(task)


def find_task(workflow, task_id):
    """The engine task with ``task_id`` in the case or one of its subprocesses, or None."""
    try:
        return workflow.get_task_from_id(task_id)
    except TaskNotFoundException:
        return None


def go_back(workflow, step: Step, answers: Callable[[object], dict | None]) -> list:
    """Make ``step`` ready again and cancel everything open that happened after it.

    ``answers(task)`` gives the last answers of a completed user task of the step; the step's
    new task (each new instance, for a multi-instance step, matched by its item) starts with
    them. Returns the step's open user tasks, each with the completed task it replaces.
    """
    anchor = step.anchor
    later = [t for t in workflow.get_tasks(state=_OPEN) if anchor.id in happens_before(t)]
    previous = {_item_of(t): (t, answers(t)) for t in step.tasks}
    workflow.reset_from_task_id(anchor.id)
    spiff_compat.forget_dropped_events(workflow)
    for task in later:
        current = find_task(workflow, task.id)
        if current is not None and current.has_state(_OPEN):
            current.cancel()
    spiff_compat.forget_dropped_events(workflow)
    reopened = []
    restarted = workflow.get_task_from_id(anchor.id)
    whole = step.tasks[0] is not anchor  # a multi-instance step: its new instances
    for task in spiff_compat.instance_tasks(anchor.task_spec, restarted) if whole else [restarted]:
        old, data = previous.get(_item_of(task), (None, None))
        if data:
            task.data.update(deepcopy(data))
        reopened.append((task, old))
    return reopened


def _item_of(task):
    """What tells the instances of a multi-instance step apart across a reset."""
    key = spiff_compat.get_internal(task, "key_or_index")
    return repr(spiff_compat.get_internal(task, "item") if key is None else key)
