"""audit chain: seq, prev_hash and hash on audit events, backfilled for existing rows;
the purge job (retention of delivered outbox events and used nonces) queued

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 10:00:00.000000

"""

import hashlib
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64
CHAIN_SEQUENCE = "audit_chain"
PURGE_JOB = "retention_purge"


def _event_hash(prev_hash, seq, row):
    # A frozen copy of workflows.persistence.audit.event_hash.
    at = row.at if row.at.tzinfo is not None else row.at.replace(tzinfo=UTC)  # SQLite drops it
    fields = {
        "seq": seq,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
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


def upgrade():
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_audit_events_seq", ["seq"], unique=True)
    _backfill()
    _queue_purge_job()


def _jobs_table():
    json_type = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")
    return sa.table(
        "jobs",
        sa.column("kind", sa.String()),
        sa.column("dedup_key", sa.String()),
        sa.column("instance_id", sa.String()),
        sa.column("payload", json_type),
        sa.column("due_at", sa.DateTime(timezone=True)),
        sa.column("state", sa.String()),
        sa.column("attempts", sa.Integer()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )


def _queue_purge_job():
    """The purge job, due now; it re-queues itself (workflows/retention.py)."""
    jobs = _jobs_table()
    bind = op.get_bind()
    if bind.execute(sa.select(jobs.c.kind).where(jobs.c.dedup_key == PURGE_JOB)).first() is None:
        now = datetime.now(UTC)
        bind.execute(
            jobs.insert().values(
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
        )


def _backfill():
    """Chain the existing events in the order they were written (by id)."""
    bind = op.get_bind()
    json_type = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")
    events = sa.table(
        "audit_events",
        sa.column("id", sa.Integer()),
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("actor", sa.String()),
        sa.column("action", sa.String()),
        sa.column("instance_id", sa.String()),
        sa.column("task_id", sa.String()),
        sa.column("process_key", sa.String()),
        sa.column("business_key", sa.String()),
        sa.column("details", json_type),
        sa.column("seq", sa.BigInteger()),
        sa.column("prev_hash", sa.String()),
        sa.column("hash", sa.String()),
    )
    sequences = sa.table("sequences", sa.column("name", sa.String()), sa.column("value", sa.Integer()))
    rows = bind.execute(sa.select(events).order_by(events.c.id)).all()
    prev_hash = GENESIS_HASH
    links = []
    for seq, row in enumerate(rows, start=1):
        digest = _event_hash(prev_hash, seq, row)
        links.append({"b_id": row.id, "seq": seq, "prev_hash": prev_hash, "hash": digest})
        prev_hash = digest
    if links:
        bind.execute(
            events.update()
            .where(events.c.id == sa.bindparam("b_id"))
            .values(seq=sa.bindparam("seq"), prev_hash=sa.bindparam("prev_hash"), hash=sa.bindparam("hash")),
            links,
        )
    bind.execute(sequences.delete().where(sequences.c.name == CHAIN_SEQUENCE))
    bind.execute(sequences.insert().values(name=CHAIN_SEQUENCE, value=len(links)))


def downgrade():
    bind = op.get_bind()
    jobs = _jobs_table()
    bind.execute(jobs.delete().where(jobs.c.kind == PURGE_JOB))
    sequences = sa.table("sequences", sa.column("name", sa.String()))
    bind.execute(sequences.delete().where(sequences.c.name == CHAIN_SEQUENCE))
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_seq")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("seq")
