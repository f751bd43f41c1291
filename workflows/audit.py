"""Appending to the audit trail inside the caller's unit of work.

Subscribers (the portal outbox, for one) see every event as it is recorded and may
write rows of their own; they run in the same transaction, so they commit or roll
back with the change the event describes.
"""

from __future__ import annotations

from collections.abc import Callable

from .models import AuditEvent

_SUBSCRIBERS: list[Callable] = []


def subscribe(subscriber: Callable) -> Callable:
    """Register ``subscriber(uow, event)``, called for every recorded event."""
    if subscriber not in _SUBSCRIBERS:
        _SUBSCRIBERS.append(subscriber)
    return subscriber


def record(uow, actor, action: str, at, instance=None, task_id: str | None = None, **details) -> AuditEvent:
    """Add one audit event; it commits (or rolls back) with the change it describes."""
    event = AuditEvent(
        at=at,
        actor=actor.name,
        action=action,
        instance_id=instance.id if instance is not None else None,
        task_id=task_id,
        process_key=instance.process_key if instance is not None else details.pop("process_key", None),
        business_key=instance.business_key if instance is not None else None,
        details=details,
    )
    uow.session.add(event)
    for subscriber in _SUBSCRIBERS:
        subscriber(uow, event)
    return event
