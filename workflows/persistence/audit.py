"""Appending to the audit trail inside the caller's unit of work.

Subscribers (the portal outbox, for one) see every event as it is recorded and may
write rows of their own; they run in the same transaction, so they commit or roll
back with the change the event describes.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from workflows.persistence.models import AuditEvent

_SUBSCRIBERS: list[Callable] = []
# Actions the engine records itself; subscribers act on some of them, so a diagram may not.
ENGINE_ACTIONS = frozenset(
    """assignment_updated calendar_loaded certificate_status_set clock_paused clock_resumed
    conflict_created conflict_updated definition_deployed draw_made draw_replayed incident_opened
    incident_retried instance_cancelled instance_completed instance_error instance_resumed
    instance_retried instance_started instance_suspended message_received portal_event_redelivered
    registry_imported service_rated task_claimed task_completed task_created task_returned task_unclaimed
    task_withdrawn timer_fired""".split()
)
_DIAGRAM_ACTION = re.compile(r"^[a-z][a-z0-9_]{2,63}$")
_RECORD_ARGUMENTS = {"uow", "actor", "action", "at", "instance", "task_id"}


def subscribe(subscriber: Callable) -> None:
    """Install ``subscriber(uow, event)``, called for every recorded event (by ``workflows.wiring``)."""
    if subscriber not in _SUBSCRIBERS:
        _SUBSCRIBERS.append(subscriber)


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


def record_for_diagram(uow, actor, action, at, instance, details) -> AuditEvent:
    """An audit event a diagram asks for (a service task), e.g. a repeated supplement notice.

    Raises ``ValueError`` (the case goes to error, naming the task) for an action the engine
    records itself, a malformed action name, or details that are not an object.
    """
    if not isinstance(action, str) or not _DIAGRAM_ACTION.match(action):
        raise ValueError(f"audit action {action!r} is not a lowercase name of 3 to 64 characters")
    if action in ENGINE_ACTIONS:
        raise ValueError(f"audit action '{action}' is recorded by the engine itself")
    if not isinstance(details, dict) or _RECORD_ARGUMENTS & set(details):
        raise ValueError(f"audit details must be an object without the keys {sorted(_RECORD_ARGUMENTS)}")
    return record(uow, actor, action, at, instance, **details)
