"""Reading the reminders (催办) and notices sent to a user or their groups."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from workflows.access import bound_institution
from workflows.errors import NotFound
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import Notification, NotificationRead, ProcessInstance, User


def _addressed_to(actor):
    stmt = select(Notification).where(
        or_(Notification.recipient_user == actor.name, Notification.recipient_group.in_(actor.groups))
    )
    if (code := bound_institution(actor)) is not None:
        own_cases = select(ProcessInstance.id).where(ProcessInstance.applicant_code == code)
        stmt = stmt.where(Notification.instance_id.in_(own_cases))
    return stmt


def unread_count(config, actor) -> int:
    """Notices for ``actor`` newer than the newest they have seen (the inbox tab's badge)."""
    with UnitOfWork(config.sessions) as uow:
        seen = uow.session.scalar(select(User.notifications_seen_id).where(User.name == actor.name))
        stmt = _addressed_to(actor).where(
            Notification.id > (seen or 0), Notification.id.not_in(_read_by(actor))
        )
        return uow.session.scalar(select(func.count()).select_from(stmt.subquery()))


def seen_up_to(config, actor) -> int:
    """The newest notice ``actor`` has seen (0: none)."""
    with UnitOfWork(config.sessions) as uow:
        return uow.session.scalar(select(User.notifications_seen_id).where(User.name == actor.name)) or 0


def mark_notifications_seen(config, actor, up_to: int) -> None:
    """``actor`` has seen every notice up to ``up_to`` (the newest shown to them)."""
    with UnitOfWork(config.sessions) as uow:
        user = uow.session.scalar(select(User).where(User.name == actor.name))
        if user is not None and up_to > user.notifications_seen_id:
            user.notifications_seen_id = up_to
            uow.commit()


def list_notifications(config, actor, page: int, page_size: int) -> tuple[list[Notification], int]:
    """Notices addressed to ``actor`` or one of their groups, newest first (for an applicant's
    account, only those about its institution's cases)."""
    stmt = _addressed_to(actor)
    with UnitOfWork(config.sessions) as uow:
        total = uow.session.scalar(select(func.count()).select_from(stmt.subquery()))
        rows = uow.session.scalars(
            stmt.order_by(Notification.id.desc()).offset((page - 1) * page_size).limit(page_size)
        ).all()
        read = set(
            uow.session.scalars(
                _read_by(actor).where(NotificationRead.notification_id.in_([r.id for r in rows]))
            )
        )
        return [_with_read(r, r.id in read) for r in rows], total


def _read_by(actor):
    return select(NotificationRead.notification_id).where(NotificationRead.user_name == actor.name)


def _with_read(notification: Notification, read: bool) -> Notification:
    notification.read = read  # shown, never stored: reads are rows of their own
    return notification


def mark_read(config, actor, notification_id: int) -> Notification:
    """``actor`` has read this notice (one addressed to them or one of their groups)."""
    with UnitOfWork(config.sessions) as uow:
        notice = uow.session.scalar(_addressed_to(actor).where(Notification.id == notification_id))
        if notice is None:
            raise NotFound(f"notification {notification_id} does not exist")
        already = uow.session.scalar(_read_by(actor).where(NotificationRead.notification_id == notice.id))
        if already is None:
            read = NotificationRead(
                notification_id=notice.id, user_name=actor.name, read_at=config.clock.now()
            )
            uow.session.add(read)
            uow.commit()
        return _with_read(notice, True)
