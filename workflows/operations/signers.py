"""Added signers (加签) and their removal (减签).

An added signer gets an ad hoc task (a worklist row of kind ``signer``, not a task of the
diagram) belonging to the task they were added to, and answers it with an opinion and whether
they agree; the answers are kept in the row and the history. Where they sign:

- ``before``: they sign first; the original task waits (``held``, out of the worklist and not
  completable) until the last of them is done or removed.
- ``after``: their tasks open once the original is answered; the original's answer is kept and
  its engine step runs, in the transaction of the last of them, only then.
- ``parallel``: their tasks open at once beside the original; the case moves on when the
  original is answered and they are all done.
"""

from __future__ import annotations

from uuid import uuid4

from workflows import tasks
from workflows.access import is_active_staff, is_admin, may_work_on, require_operation
from workflows.errors import Conflict, FieldError, InvalidInput, NotPermitted
from workflows.persistence import audit
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import Task, User

from .task_context import account, actor_of, added_tasks, open_task

POSITIONS = ("before", "after", "parallel")
SIGNER = "signer"
MAX_SIGNERS = 20
# The form an added signer answers (the task page renders it; ``_checked_answer`` checks it).
ANSWER_SCHEMA = {
    "type": "object",
    "title": "加签意见",
    "required": ["agree"],
    "properties": {
        "agree": {"type": "boolean", "title": "是否同意"},
        "opinion": {"type": "string", "title": "意见", "maxLength": 2000},
    },
}


def add_signers(config, actor, task_id: str, users: list[str], position: str) -> list[Task]:
    """Add ``users`` as signers of the task at ``position``; their new tasks."""
    with UnitOfWork(config.sessions) as uow:
        task, row = open_task(uow, actor, task_id)
        check_holder(actor, task, "add_signer")
        if task.held == "after_signers":
            raise Conflict("the task is answered already; signers are added before it is")
        _check_new_signers(uow, actor, task, users)
        now = config.clock.now()
        state = "pending" if position == "after" else "ready"
        added = [_signer_task(task, name, position, state, now) for name in users]
        uow.session.add_all(added)
        if task.assignee is None:
            task.assignee = actor.name  # adding signers takes the task, as claiming does
        if position == "before":
            task.held = "before_signers"
        audit.record(
            uow,
            actor,
            "signers_added",
            now,
            row,
            task.id,
            element_id=task.bpmn_id,
            users=users,
            position=position,
        )
        uow.commit()
        return [t.with_oversight(now) for t in added]


def remove_signer(config, actor, task_id: str, user: str) -> Task:
    """Remove an added signer whose task is still open (减签); the original task goes on
    if it only waited for them."""
    with UnitOfWork(config.sessions) as uow:
        task, row = open_task(uow, actor, task_id)
        check_holder(actor, task, "remove_signer")
        signer = next((t for t in added_tasks(uow.session, task) if t.assignee == user), None)
        if signer is None:
            raise InvalidInput(
                f"'{user}' is not an added signer of this task with an open task",
                [FieldError("/user", f"'{user}' was not added or has signed already")],
            )
        now = config.clock.now()
        signer.state, signer.completed_at = "cancelled", now
        audit.record(
            uow,
            actor,
            "signer_removed",
            now,
            row,
            task.id,
            element_id=task.bpmn_id,
            user=user,
            position=signer.sign_position,
        )
        _go_on(config, uow, task, row)
        uow.commit()
        return task.with_oversight(now)


def complete_signer_in(config, uow, actor, task: Task, row, data: dict) -> Task:
    """An added signer's answer (``AD_HOC_COMPLETIONS``): ``{"opinion": ..., "agree": ...}``."""
    answer = _checked_answer(data)
    now = config.clock.now()
    task.state, task.completed_at, task.completed_by, task.submitted_data = (
        "completed",
        now,
        actor.name,
        answer,
    )
    parent = uow.session.get(Task, task.parent_task_id)
    audit.record(
        uow,
        actor,
        "signer_signed",
        now,
        row,
        task.id,
        element_id=task.bpmn_id,
        parent_task_id=parent.id,
        position=task.sign_position,
        **answer,
    )
    _go_on(config, uow, parent, row)
    return task


def hold_for_signers(config, uow, actor, task: Task, row, data: dict) -> bool:
    """A completion hook: the original task waits for its ``before`` signers; with ``after``
    or ``parallel`` signers still to sign, its answer is kept and the case waits for them."""
    if task.held == "before_signers":
        raise Conflict("the added signers sign first; the task can be completed when they are done")
    waiting = [t for t in added_tasks(uow.session, task) if t.sign_position in ("after", "parallel")]
    if not waiting:
        return False
    task.submitted_data, task.assignee, task.completed_by, task.held = (
        data,
        actor.name,
        actor.name,
        "after_signers",
    )
    for signer in waiting:
        signer.state = "ready"
    audit.record(
        uow,
        actor,
        "task_answered",
        config.clock.now(),
        row,
        task.id,
        element_id=task.bpmn_id,
        data=data,
        waiting_for=[t.assignee for t in waiting],
    )
    return True


def _go_on(config, uow, task: Task, row) -> None:
    """After a signer is done or removed: release a task that waited for its ``before``
    signers, or run the held answer's engine step once nobody is left to sign."""
    open_signers = added_tasks(uow.session, task)
    if task.held == "before_signers" and not any(t.sign_position == "before" for t in open_signers):
        task.held = None
    elif task.held == "after_signers" and not open_signers:
        who = account(uow.session, task.completed_by, "/user")
        tasks.finish_completion_in(config, uow, actor_of(who), task, row, task.submitted_data or {})


def check_holder(actor, task: Task, operation: str) -> None:
    require_operation(task, operation)
    if task.kind != "user":
        raise Conflict("signers are added to the tasks of the diagram, not to an added signer's")
    if task.delegation == "pending":
        raise Conflict(f"the task is delegated to {task.assignee}")
    holder = task.completed_by if task.held == "after_signers" else task.assignee
    if holder == actor.name or is_admin(actor) or (holder is None and may_work_on(actor, task)):
        return
    raise NotPermitted(f"only the holder of the task ({holder}) adds or removes its signers")


def _check_new_signers(uow, actor, task: Task, users: list[str]) -> None:
    if not users or len(users) > MAX_SIGNERS:
        raise InvalidInput(f"name 1 to {MAX_SIGNERS} signers", [FieldError("/users", "1 to 20 users")])
    taken = {t.assignee for t in added_tasks(uow.session, task)} | {actor.name, task.assignee}
    for index, name in enumerate(users):
        pointer = f"/users/{index}"
        user: User = account(uow.session, name, pointer)
        if not is_active_staff(user):
            raise InvalidInput(f"'{name}' is not an active staff account", [FieldError(pointer, "inactive")])
        if name in taken or users.index(name) != index:
            raise InvalidInput(
                f"'{name}' already signs or holds this task", [FieldError(pointer, "already signs")]
            )


def _checked_answer(data: dict) -> dict:
    agree, opinion = data.get("agree"), data.get("opinion") or ""
    errors = []
    if not isinstance(agree, bool):
        errors.append(FieldError("/data/agree", "say whether you agree (true or false)", "required"))
    if not isinstance(opinion, str) or len(opinion) > 2000:
        errors.append(FieldError("/data/opinion", "the opinion is text of at most 2000 characters"))
    unknown = sorted(set(data) - {"agree", "opinion"})
    if unknown:
        errors.append(FieldError(f"/data/{unknown[0]}", "a signer answers with opinion and agree only"))
    if errors:
        raise InvalidInput("; ".join(e.message for e in errors), errors)
    return {"agree": agree, "opinion": opinion.strip()}


def _signer_task(task: Task, name: str, position: str, state: str, now) -> Task:
    return Task(
        id=str(uuid4()),
        instance_id=task.instance_id,
        process_key=task.process_key,
        business_key=task.business_key,
        bpmn_id=task.bpmn_id,
        name=task.name,
        lane=task.lane,
        state=state,
        assignee=name,
        kind=SIGNER,
        parent_task_id=task.id,
        sign_position=position,
        deadline=task.deadline,
        clock_started_at=task.clock_started_at,
        due_at=task.due_at,
        remind_at=task.remind_at,
        warn_at=task.warn_at,
        created_at=now,
    )
