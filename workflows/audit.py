"""Appending to the audit trail inside the caller's unit of work."""

from __future__ import annotations

from .models import AuditEvent


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
    return event
