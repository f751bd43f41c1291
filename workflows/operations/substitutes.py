"""Out-of-office substitutes (代理): while a user is away, the tasks newly assigned to them go
to their substitute, marked as done on their behalf (``on_behalf_of``); after the period new
tasks go to the user again. Tasks given out before or after are not moved."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from workflows.access import APPLICANT, is_active_staff
from workflows.errors import FieldError, InvalidInput, NotFound, NotPermitted
from workflows.persistence import audit
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import Substitute
from workflows.users import SYSTEM

from .task_context import account


def set_substitute(config, actor, user: str, starts_at: datetime, ends_at: datetime) -> Substitute:
    """``user`` takes the actor's new tasks from ``starts_at`` until ``ends_at``."""
    _check_staff(actor)
    now = config.clock.now()
    if ends_at <= starts_at:
        raise InvalidInput("the period ends before it starts", [FieldError("/to", "after from")])
    if ends_at <= now:
        raise InvalidInput("the period is over already", [FieldError("/to", "in the future")])
    with UnitOfWork(config.sessions) as uow:
        substitute = account(uow.session, user, "/user")
        if user == actor.name or not is_active_staff(substitute):
            raise InvalidInput(
                f"'{user}' cannot stand in for you: name another active staff account",
                [FieldError("/user", "another active staff account")],
            )
        row = uow.session.get(Substitute, actor.name) or Substitute(user_name=actor.name)
        row.substitute_name, row.starts_at, row.ends_at, row.created_at = user, starts_at, ends_at, now
        uow.session.add(row)
        audit.record(
            uow,
            actor,
            "substitute_set",
            now,
            None,
            substitute=user,
            starts_at=starts_at.isoformat(),
            ends_at=ends_at.isoformat(),
        )
        uow.commit()
        return row


def get_substitute(config, actor) -> Substitute:
    with UnitOfWork(config.sessions) as uow:
        row = uow.session.get(Substitute, actor.name)
        if row is None:
            raise NotFound("you have no substitute")
        return row


def remove_substitute(config, actor) -> None:
    with UnitOfWork(config.sessions) as uow:
        row = uow.session.get(Substitute, actor.name)
        if row is None:
            raise NotFound("you have no substitute")
        uow.session.delete(row)
        audit.record(
            uow, actor, "substitute_removed", config.clock.now(), None, substitute=row.substitute_name
        )
        uow.commit()


def substitute_new_task(uow, row, task_row, now) -> None:
    """A new task hook (``projection.NEW_TASK_HOOKS``): a task assigned to an absent user goes
    to their substitute, recorded in the history."""
    if not task_row.assignee:
        return
    absence = uow.session.scalar(
        select(Substitute).where(
            Substitute.user_name == task_row.assignee, Substitute.starts_at <= now, Substitute.ends_at > now
        )
    )
    if absence is None:
        return
    task_row.on_behalf_of, task_row.assignee = task_row.assignee, absence.substitute_name
    audit.record(
        uow,
        SYSTEM,
        "task_substituted",
        now,
        row,
        task_row.id,
        element_id=task_row.bpmn_id,
        on_behalf_of=task_row.on_behalf_of,
        assignee=task_row.assignee,
    )


def _check_staff(actor) -> None:
    if actor.kind != "user" or not (set(actor.groups) - {APPLICANT}):
        raise NotPermitted("substitutes are for the bureau's staff")
