"""Purging rows that have served their purpose, so tables do not grow without bound.

Delivered portal outbox events go once they are older than ``BPM_OUTBOX_RETENTION_DAYS``
(counted from their delivery); used nonces go once their request's timestamp has left the
signature window (``expires_at``), when they can no longer stop a replay. One job of kind
``retention_purge`` does it and re-queues itself ``BPM_PURGE_INTERVAL_HOURS`` later.
Migration 0013 queues it; ``flask jobs schedule-purge`` (``ensure_purge_job``) queues it
again should it be gone, and does nothing when it is queued. Each run is audited with the
counts it removed.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from workflows.persistence import audit
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import Job, OutboxEvent, PortalNonce
from workflows.users import SYSTEM

PURGE_JOB = "retention_purge"
PURGED = "retention_purged"


def ensure_purge_job(config) -> None:
    """Queue the purge job, due now, unless it is queued already (it then keeps its due time)."""
    now = config.clock.now()
    with UnitOfWork(config.sessions) as uow:
        insert = pg_insert if uow.is_postgres else sqlite_insert
        uow.session.execute(
            insert(Job)
            .values(
                kind=PURGE_JOB,
                dedup_key=PURGE_JOB,
                instance_id=None,
                payload={},
                due_at=now,
                state="pending",
                attempts=0,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=["dedup_key"])
        )
        uow.commit()


def purge(config, uow, job: Job) -> None:
    """The job's handler: delete what is past its retention, audit the counts, come back later."""
    now = config.clock.now()
    cutoff = now - timedelta(days=config.outbox_retention_days)
    outbox = uow.session.execute(
        delete(OutboxEvent)
        .where(OutboxEvent.state == "delivered", OutboxEvent.delivered_at < cutoff)
        .execution_options(synchronize_session=False)
    ).rowcount
    nonces = uow.session.execute(
        delete(PortalNonce).where(PortalNonce.expires_at < now).execution_options(synchronize_session=False)
    ).rowcount
    audit.record(
        uow,
        SYSTEM,
        PURGED,
        now,
        outbox_events=outbox,
        nonces=nonces,
        delivered_before=cutoff.isoformat(),
    )
    job.due_at = now + timedelta(hours=config.purge_interval_hours)
    job.attempts = 0
    job.last_error = None
    job.updated_at = now
