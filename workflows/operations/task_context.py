"""What every task operation starts from: the task and its case, locked and open, and the
accounts it names."""

from __future__ import annotations

from sqlalchemy import select

from workflows import tasks
from workflows.engine import runtime
from workflows.errors import Conflict, FieldError, InvalidInput
from workflows.persistence.models import ProcessInstance, Task, User
from workflows.users import Actor


def open_task(uow, actor, task_id: str) -> tuple[Task, ProcessInstance]:
    """The open task under its case's lock; a suspended or closed case is a conflict."""
    task = tasks.load_task(uow, actor, task_id)
    row = runtime.lock_instance(uow, task.instance_id)
    uow.session.refresh(task)
    if task.state != "ready":
        raise Conflict(f"the task is {task.state}")
    if row.status != "running":
        raise Conflict(f"the case is {row.status}")
    return task, row


def account(session, name, pointer: str) -> User:
    """The account called ``name``; invalid input at ``pointer`` when there is none."""
    user = session.scalar(select(User).where(User.name == name)) if isinstance(name, str) else None
    if user is None:
        raise InvalidInput(f"there is no user '{name}'", [FieldError(pointer, f"no user '{name}'")])
    return user


def actor_of(user: User) -> Actor:
    return Actor(user.name, frozenset(user.groups or ()), institution=user.institution_code)


def added_tasks(session, task: Task, states=("pending", "ready")) -> list[Task]:
    """The added signers' tasks of ``task`` in ``states``."""
    return list(
        session.scalars(
            select(Task)
            .where(Task.parent_task_id == task.id, Task.state.in_(states))
            .order_by(Task.created_at, Task.id)
        )
    )
