"""The purge job: delivered outbox events past their retention and nonces past their
signature window go, on a schedule the job keeps itself, each run audited with its counts."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from api.database import db
from workflows.persistence import audit
from workflows.persistence.models import AuditEvent, Job, OutboxEvent, PortalClient, PortalNonce
from workflows.portal.clients import register_client
from workflows.retention import PURGE_JOB


def _schedule(app) -> None:
    result = app.test_cli_runner().invoke(args=["jobs", "schedule-purge"])
    assert result.exit_code == 0, result.output


def _run_jobs(app) -> str:
    result = app.test_cli_runner().invoke(args=["jobs", "run", "--once"])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def _seed(app, clock) -> None:
    """Outbox events delivered 31 and 29 days ago, one pending and one dead from long ago;
    a nonce whose window has passed and one still in it."""
    config = app.extensions["engine_config"]
    now = clock.now()
    with app.app_context():
        client_id, _ = register_client(config, "gov-portal", "https://portal.example/hook")
        client = db.session.scalar(select(PortalClient).where(PortalClient.client_id == client_id))
        rows = [
            ("old", "delivered", 31),
            ("recent", "delivered", 29),
            ("waiting", "pending", 60),
            ("dead", "dead", 60),
        ]
        for seq, (name, state, days) in enumerate(rows, start=1):
            db.session.add(
                OutboxEvent(
                    event_id=str(uuid.uuid4()),
                    client_id=client.id,
                    case_no="2026120000000001",
                    case_seq=seq,
                    client_seq=seq,
                    event_type=name,
                    occurred_at=now - timedelta(days=days),
                    payload={},
                    state=state,
                    delivered_at=now - timedelta(days=days) if state == "delivered" else None,
                    created_at=now - timedelta(days=days),
                )
            )
        db.session.add(
            PortalNonce(
                client_id=client.id, nonce="spent-and-expired-01", expires_at=now - timedelta(seconds=1)
            )
        )
        db.session.add(
            PortalNonce(
                client_id=client.id, nonce="spent-still-in-window", expires_at=now + timedelta(seconds=200)
            )
        )
        db.session.commit()


def test_purge_removes_what_is_past_retention_and_audits_the_counts(app, clock):
    _purge_removes_what_is_past_retention(app, clock)


@pytest.mark.postgres
def test_purge_removes_what_is_past_retention_on_postgres(app, clock):
    _purge_removes_what_is_past_retention(app, clock)


def _purge_removes_what_is_past_retention(app, clock):
    _seed(app, clock)
    _schedule(app)
    assert _run_jobs(app) == "ran 1 jobs"
    with app.app_context():
        assert db.session.scalars(select(OutboxEvent.event_type).order_by(OutboxEvent.id)).all() == [
            "recent",
            "waiting",
            "dead",
        ]
        assert db.session.scalars(select(PortalNonce.nonce)).all() == ["spent-still-in-window"]
        purged = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "retention_purged")).one()
        assert (purged.actor, purged.details["outbox_events"], purged.details["nonces"]) == ("system", 1, 1)
        job = db.session.scalars(select(Job).where(Job.kind == PURGE_JOB)).one()
        assert (job.state, job.due_at, job.lease_owner) == (
            "pending",
            clock.now() + timedelta(hours=24),
            None,
        )
        assert audit.verify_chain(db.session)["ok"]


def test_purge_job_comes_back_after_its_interval_and_stays_single(app, clock):
    _seed(app, clock)
    _schedule(app)
    assert _run_jobs(app) == "ran 1 jobs"
    clock.advance(hours=23)
    _schedule(app)  # queued already: nothing changes
    assert _run_jobs(app) == "ran 0 jobs"
    clock.advance(hours=2)  # now past: the recent event (a day over 30 days) and the other nonce
    assert _run_jobs(app) == "ran 1 jobs"
    with app.app_context():
        assert db.session.scalars(select(OutboxEvent.event_type).order_by(OutboxEvent.id)).all() == [
            "waiting",
            "dead",
        ]
        counts = db.session.scalars(
            select(AuditEvent.details).where(AuditEvent.action == "retention_purged").order_by(AuditEvent.id)
        ).all()
        assert [(c["outbox_events"], c["nonces"]) for c in counts] == [(1, 1), (1, 1)]
        assert db.session.query(Job).filter(Job.kind == PURGE_JOB).count() == 1


def test_outbox_retention_is_configurable(app, clock):
    app.extensions["engine_config"].outbox_retention_days = 10
    _seed(app, clock)
    _schedule(app)
    _run_jobs(app)
    with app.app_context():
        assert db.session.scalars(select(OutboxEvent.event_type).order_by(OutboxEvent.id)).all() == [
            "waiting",
            "dead",
        ]


def test_a_diagram_cannot_forge_a_purge_record():
    assert "retention_purged" in audit.ENGINE_ACTIONS
