"""Idempotency keys: one mechanism for every request that creates a case.

A staff start (``POST /instances``) and a portal submission (``POST /portal/applications``)
sent with an ``Idempotency-Key`` header keep, in the transaction that creates the case, one
``IdempotencyRecord``: who sent it (``scope``, the actor's name: a staff user or
``portal:<client id>``), the key, a hash of the request, and the case it created. A retry
with the same key and the same request finds the record and is answered with that case; the
same key with a different request is a conflict. Two first attempts racing each other meet at
the record's unique (scope, key): one creates the case, the other gets a conflict, and its
retry is answered as a replay.
"""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import select

from workflows.errors import Conflict
from workflows.persistence.models import IdempotencyRecord


def request_hash(request) -> str:
    """The fingerprint of a request: SHA-256 of its canonical JSON."""
    return hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()


def replayed_instance(uow, actor, key: str, fingerprint: str, what: str = "request") -> str | None:
    """The id of the case an earlier request with ``key`` created, or None for a first request.

    The same key with a different request (``what`` names it in the error) is a conflict.
    """
    record = uow.session.scalar(
        select(IdempotencyRecord).where(IdempotencyRecord.scope == actor.name, IdempotencyRecord.key == key)
    )
    if record is None:
        return None
    if record.request_hash != fingerprint:
        raise Conflict(f"this Idempotency-Key was already used for a different {what}")
    return record.instance_id


def remember(uow, actor, key: str, fingerprint: str, instance_id: str, now) -> None:
    """Keep the request's result in the caller's unit of work, so it commits with the case."""
    uow.session.add(
        IdempotencyRecord(
            scope=actor.name, key=key, request_hash=fingerprint, instance_id=instance_id, created_at=now
        )
    )
