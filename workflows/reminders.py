"""Reminders (催办) and copies (抄送) of a case, sent by staff who may read it.

A reminder notifies whoever holds the case's open tasks: the assignee of a claimed task, else
its candidate groups. One reminder per case per ``config.remind_interval_minutes``: a second
one sooner is refused with the moment it may be repeated. A copy lets named staff read the
case from then on (``instances.readable_instance``) and tells them so. Both are audited.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from workflows.access import APPLICANT, is_staff
from workflows.errors import Conflict, FieldError, InvalidInput, NotPermitted, TooSoon
from workflows.instances import readable_instance
from workflows.persistence import audit
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import OPEN_TASK_STATES, CaseCopy, Notification, Task, User

REMINDER = "urge"  # a person's reminder (催办); deadline reminders of the engine are "reminder"
COPY = "copy"


@dataclass
class Sent:
    instance_id: str
    recipients: list[str]
    notifications: int


def _sender_case(uow, actor, instance_id: str):
    if not is_staff(actor):
        raise NotPermitted("only bureau staff send reminders and copies")
    return readable_instance(uow, actor, instance_id)


def remind(config, actor, instance_id: str, message: str | None) -> Sent:
    """Notify the holders of the case's open tasks, at most once per interval per case."""
    with UnitOfWork(config.sessions) as uow:
        row = _sender_case(uow, actor, instance_id)
        if row.status != "running":
            raise Conflict(f"the case is {row.status}: there is nobody to remind")
        now = config.clock.now()
        _check_interval(uow, config, row.id, now)
        tasks = uow.session.scalars(
            select(Task).where(Task.instance_id == row.id, Task.state.in_(OPEN_TASK_STATES))
        ).all()
        if not tasks:
            raise Conflict("the case has no open task: it waits for a timer, a message or a job")
        recipients = []
        for task in tasks:
            text = message or f"请尽快办理：{task.name}（案件 {row.business_key or row.id}）"
            holders = [(None, task.assignee)] if task.assignee else [(g, None) for g in task.candidate_groups]
            for group, user in holders:
                uow.session.add(_notice(REMINDER, row, text, now, group=group, user=user, task_id=task.id))
                recipients.append(user or f"group:{group}")
        audit.record(uow, actor, "instance_reminded", now, row, message=message, recipients=recipients)
        uow.commit()
        return Sent(row.id, recipients, len(recipients))


def _check_interval(uow, config, instance_id: str, now) -> None:
    last = uow.session.scalar(
        select(Notification.created_at)
        .where(Notification.instance_id == instance_id, Notification.kind == REMINDER)
        .order_by(Notification.id.desc())
        .limit(1)
    )
    interval = timedelta(minutes=config.remind_interval_minutes)
    if last is not None and now - last < interval:
        wait = math.ceil((last + interval - now).total_seconds())
        raise TooSoon(
            f"此案件刚催办过，请 {math.ceil(wait / 60)} 分钟后再催办。 (This case was reminded less than "
            f"{config.remind_interval_minutes} minutes ago.)",
            retry_after=wait,
        )


def copy_case(config, actor, instance_id: str, users: list[str], message: str | None) -> Sent:
    """Let ``users`` (active staff accounts) read the case, and tell them."""
    with UnitOfWork(config.sessions) as uow:
        row = _sender_case(uow, actor, instance_id)
        _check_recipients(uow, users)
        now = config.clock.now()
        already = set(
            uow.session.scalars(
                select(CaseCopy.user_name).where(
                    CaseCopy.instance_id == row.id, CaseCopy.user_name.in_(users)
                )
            )
        )
        names = list(dict.fromkeys(users))
        for name in names:
            if name not in already:
                uow.session.add(
                    CaseCopy(
                        instance_id=row.id,
                        user_name=name,
                        copied_by=actor.name,
                        message=message,
                        created_at=now,
                    )
                )
            text = message or f"{actor.name} 抄送案件 {row.business_key or row.id} 给您"
            uow.session.add(_notice(COPY, row, text, now, user=name))
        audit.record(uow, actor, "instance_copied", now, row, users=names, message=message)
        uow.commit()
        return Sent(row.id, names, len(names))


def _check_recipients(uow, users: list[str]) -> None:
    accounts = {u.name: u for u in uow.session.scalars(select(User).where(User.name.in_(users)))}
    errors = []
    for index, name in enumerate(users):
        account = accounts.get(name)
        if account is None or not account.active:
            errors.append(FieldError(f"/users/{index}", f"no active user '{name}'"))
        elif not set(account.groups) - {APPLICANT}:
            errors.append(FieldError(f"/users/{index}", "copies go to bureau staff, not applicants"))
    if errors:
        raise InvalidInput("a copy goes to active staff accounts only", errors)


def _notice(kind, row, text, now, group=None, user=None, task_id=None) -> Notification:
    return Notification(
        kind=kind,
        recipient_group=group,
        recipient_user=user,
        instance_id=row.id,
        task_id=task_id,
        business_key=row.business_key,
        message=text,
        created_at=now,
    )
