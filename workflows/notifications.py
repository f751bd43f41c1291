"""Reading the reminders (催办) and notices sent to a user or their groups."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from workflows.access import bound_institution
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import Notification, ProcessInstance


def list_notifications(config, actor, page: int, page_size: int) -> tuple[list[Notification], int]:
    """Notices addressed to ``actor`` or one of their groups, newest first (for an applicant's
    account, only those about its institution's cases)."""
    stmt = select(Notification).where(
        or_(Notification.recipient_user == actor.name, Notification.recipient_group.in_(actor.groups))
    )
    if (code := bound_institution(actor)) is not None:
        own_cases = select(ProcessInstance.id).where(ProcessInstance.applicant_code == code)
        stmt = stmt.where(Notification.instance_id.in_(own_cases))
    with UnitOfWork(config.sessions) as uow:
        total = uow.session.scalar(select(func.count()).select_from(stmt.subquery()))
        rows = uow.session.scalars(
            stmt.order_by(Notification.id.desc()).offset((page - 1) * page_size).limit(page_size)
        ).all()
        return list(rows), total
