"""Appending to the audit trail inside the caller's unit of work.

Subscribers (the portal outbox, for one) see every event as it is recorded and may
write rows of their own; they run in the same transaction, so they commit or roll
back with the change the event describes.

The trail is a hash chain: just before the transaction commits, its events get the next
positions (``seq``) and ``hash = sha256(prev_hash + canonical JSON of the event)``. The
position counter (the ``audit_chain`` row of ``sequences``) is advanced by an upsert, which
locks that row until the commit, so concurrent transactions append one after the other
and never fork the chain. ``verify_chain`` walks the chain and names the first broken link.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import UTC

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from workflows.persistence.models import AuditEvent, Sequence

_SUBSCRIBERS: list[Callable] = []
# Actions the engine records itself; subscribers act on some of them, so a diagram may not.
ENGINE_ACTIONS = frozenset(
    """assignment_updated calendar_loaded certificate_status_set clock_paused clock_resumed
    conflict_created conflict_updated definition_deployed draw_made draw_replayed incident_opened
    incident_retried instance_cancelled instance_completed instance_error instance_resumed
    instance_retried instance_started instance_suspended message_received portal_event_redelivered
    registry_imported retention_purged service_rated task_claimed task_completed task_created
    task_returned task_unclaimed task_withdrawn timer_fired""".split()
)
_DIAGRAM_ACTION = re.compile(r"^[a-z][a-z0-9_]{2,63}$")
_RECORD_ARGUMENTS = {"uow", "actor", "action", "at", "instance", "task_id"}
CHAIN_SEQUENCE = "audit_chain"
GENESIS_HASH = "0" * 64
_PENDING = "audit_chain"
_HASHED = (
    AuditEvent.id,
    AuditEvent.at,
    AuditEvent.actor,
    AuditEvent.action,
    AuditEvent.instance_id,
    AuditEvent.task_id,
    AuditEvent.process_key,
    AuditEvent.business_key,
    AuditEvent.details,
)


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
    uow.info.setdefault(_PENDING, []).append(event)
    uow.before_commit(_PENDING, _chain_pending)
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


def event_hash(prev_hash: str, seq: int, row) -> str:
    """sha256 over the previous hash and the canonical JSON of the event's fields.

    ``row`` has the event's columns as read back from the database (the stored JSON, the
    UTC time), so that writing and verifying hash the same values. Migration 0013 holds a
    copy of this function for the backfill; change both or neither.
    """
    fields = {
        "seq": seq,
        "at": row.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": row.actor,
        "action": row.action,
        "instance_id": row.instance_id,
        "task_id": row.task_id,
        "process_key": row.process_key,
        "business_key": row.business_key,
        "details": row.details,
    }
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def _advance_chain(session, count: int) -> int:
    """Reserve ``count`` positions; returns the last. Locks the counter row until the commit."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = (
        insert(Sequence)
        .values(name=CHAIN_SEQUENCE, value=count)
        .on_conflict_do_update(index_elements=["name"], set_={"value": Sequence.value + count})
        .returning(Sequence.value)
    )
    return session.execute(stmt).scalar_one()


def _chain_pending(uow) -> None:
    """Link this transaction's events to the chain (a before-commit hook)."""
    events = uow.info.pop(_PENDING, [])
    if not events:
        return
    session = uow.session
    session.flush()
    ids = [event.id for event in events]
    # The stored values, not the objects: what verification will read back.
    rows = session.execute(select(*_HASHED).where(AuditEvent.id.in_(ids)).order_by(AuditEvent.id)).all()
    last = _advance_chain(session, len(rows))
    seq = last - len(rows)
    prev_hash = GENESIS_HASH
    if seq > 0:
        prev_hash = session.execute(select(AuditEvent.hash).where(AuditEvent.seq == seq)).scalar_one()
    by_id = {event.id: event for event in events}
    for row in rows:
        seq += 1
        event = by_id[row.id]
        event.seq, event.prev_hash = seq, prev_hash
        event.hash = prev_hash = event_hash(prev_hash, seq, row)
    session.flush()


def verify_chain(session, batch: int = 1000) -> dict:
    """Walk the chain in order: ``{"ok", "count", "broken"}``, ``broken`` naming the first
    event whose position, link or hash is wrong (``id``, ``seq``, ``reason``), else ``None``."""
    count, broken = _walk_chain(session, batch)
    if broken is None:
        broken = _unchained_or_truncated(session, count)
    return {"ok": broken is None, "count": count, "broken": broken}


def _walk_chain(session, batch: int) -> tuple[int, dict | None]:
    """How many links are intact from the start, and the first broken one (or None)."""
    count, prev_hash = 0, GENESIS_HASH
    rows = session.execute(
        select(*_HASHED, AuditEvent.seq, AuditEvent.prev_hash, AuditEvent.hash)
        .where(AuditEvent.seq.is_not(None))
        .order_by(AuditEvent.seq)
        .execution_options(yield_per=batch)
    )
    for row in rows:
        reason = None
        if row.seq != count + 1:
            reason = f"position {row.seq} where {count + 1} was expected (a record is missing)"
        elif row.prev_hash != prev_hash:
            reason = "its previous hash does not match the record before it"
        elif row.hash != event_hash(prev_hash, row.seq, row):
            reason = "its contents do not match its hash (changed after it was written)"
        if reason:
            rows.close()
            return count, {"id": row.id, "seq": row.seq, "reason": reason}
        count, prev_hash = count + 1, row.hash
    return count, None


def _unchained_or_truncated(session, count: int) -> dict | None:
    """An event outside the chain, or records deleted from its end (the counter is ahead)."""
    unchained = session.execute(
        select(AuditEvent.id).where(AuditEvent.seq.is_(None)).order_by(AuditEvent.id).limit(1)
    ).scalar()
    if unchained is not None:
        return {"id": unchained, "seq": None, "reason": "it is not part of the chain"}
    head = session.execute(select(Sequence.value).where(Sequence.name == CHAIN_SEQUENCE)).scalar() or 0
    if head != count:
        reason = f"the chain ends at {count} but {head} records were appended (records deleted)"
        return {"id": None, "seq": count + 1, "reason": reason}
    return None
