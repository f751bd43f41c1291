"""The audit trail is a hash chain: `audit verify` finds it intact after real work, names
the first record changed or missing, and concurrent appends on PostgreSQL keep one chain."""

import threading
from datetime import UTC, datetime

import pytest
from flask_migrate import upgrade
from sqlalchemy import DateTime, String, column, create_engine, delete, func, select, table, text, update

from api.database import db
from workflows.persistence import audit
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import AuditEvent, Job
from workflows.users import Actor

from ..factories import CaseDriver


def _walk_a_case(client, auth) -> str:
    case = CaseDriver(client, auth)
    iid = case.start()["id"]
    case.complete(iid, "accept_application", "clerk", {"decision": "accept"})
    return iid


def _verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def _chain_intact_after_a_walk(app, client, auth):
    _walk_a_case(client, auth)
    with app.app_context():
        rows = db.session.execute(select(AuditEvent.seq, AuditEvent.prev_hash, AuditEvent.hash)).all()
    assert len(rows) >= 3 and all(seq is not None and digest for seq, _, digest in rows)
    assert sorted(seq for seq, _, _ in rows) == list(range(1, len(rows) + 1))
    result = _verify(app)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == f"OK: {len(rows)} audit records, chain intact"


@pytest.mark.usefixtures("deployed")
def test_chain_is_intact_after_a_walk_of_a_case(app, client, auth):
    _chain_intact_after_a_walk(app, client, auth)


@pytest.mark.postgres
@pytest.mark.usefixtures("deployed")
def test_chain_is_intact_after_a_walk_of_a_case_on_postgres(app, client, auth):
    _chain_intact_after_a_walk(app, client, auth)


@pytest.mark.usefixtures("deployed")
def test_verify_names_the_record_whose_details_were_changed(app, client, auth):
    _walk_a_case(client, auth)
    with app.app_context():
        ids = db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.seq)).all()
        tampered = ids[len(ids) // 2]
        db.session.execute(update(AuditEvent).where(AuditEvent.id == tampered).values(details={"forged": 1}))
        db.session.commit()
    result = _verify(app)
    assert result.exit_code == 1
    assert f"id={tampered} " in result.stderr and "changed after it was written" in result.stderr


@pytest.mark.usefixtures("deployed")
def test_verify_notices_a_deleted_record(app, client, auth):
    _walk_a_case(client, auth)
    with app.app_context():
        ids = db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.seq)).all()
        db.session.execute(delete(AuditEvent).where(AuditEvent.id == ids[1]))
        db.session.commit()
    result = _verify(app)
    assert result.exit_code == 1
    assert f"id={ids[2]} " in result.stderr and "missing" in result.stderr
    with app.app_context():
        db.session.execute(delete(AuditEvent).where(AuditEvent.id.in_(ids[1:])))
        db.session.commit()
    truncated = _verify(app)
    assert truncated.exit_code == 1 and "records deleted" in truncated.stderr


@pytest.mark.postgres
def test_concurrent_appends_on_postgres_keep_one_chain(app):
    config = app.extensions["engine_config"]
    writers, commits = 6, 8
    barrier = threading.Barrier(writers)
    errors = []

    def append(n):
        actor = Actor(f"writer{n}", frozenset())
        try:
            with app.app_context():
                barrier.wait()
                for i in range(commits):
                    with UnitOfWork(config.sessions) as uow:
                        for j in range(2):
                            audit.record(uow, actor, "calendar_loaded", config.clock.now(), i=i, j=j)
                        uow.commit()
        except Exception as exc:  # reported below, the thread must not die silently
            errors.append(exc)

    threads = [threading.Thread(target=append, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == writers * commits * 2
        assert audit.verify_chain(db.session) == {"ok": True, "count": writers * commits * 2, "broken": None}


@pytest.mark.postgres
def test_an_app_role_with_the_documented_grants_cannot_change_audit_rows(app, postgres_url):
    config = app.extensions["engine_config"]
    with app.app_context(), UnitOfWork(config.sessions) as uow:
        audit.record(uow, Actor("setup", frozenset()), "calendar_loaded", config.clock.now())
        uow.commit()
    owner = create_engine(postgres_url)
    with owner.begin() as connection:
        connection.execute(text("DROP ROLE IF EXISTS bpm_app_audit_test"))
        connection.execute(text("CREATE ROLE bpm_app_audit_test"))
        connection.execute(text(GRANTS.replace("bpm_app", "bpm_app_audit_test")))
    try:
        with owner.connect() as connection:
            connection.execute(text("SET ROLE bpm_app_audit_test"))
            assert connection.execute(text("SELECT count(*) FROM audit_events")).scalar() == 1
            for statement in ("UPDATE audit_events SET details = '{}'", "DELETE FROM audit_events"):
                with pytest.raises(Exception, match="permission denied"):
                    with connection.begin_nested() if connection.in_transaction() else connection.begin():
                        connection.execute(text(statement))
            connection.rollback()
    finally:
        with owner.begin() as connection:
            connection.execute(text("DROP OWNED BY bpm_app_audit_test"))
            connection.execute(text("DROP ROLE bpm_app_audit_test"))
        owner.dispose()


# The grants of docs/reliability.md ("Audit chain and retention"), for the audit table.
GRANTS = """
REVOKE ALL ON audit_events FROM bpm_app;
GRANT SELECT, INSERT ON audit_events TO bpm_app;
GRANT UPDATE (seq, prev_hash, hash) ON audit_events TO bpm_app;
GRANT USAGE ON SEQUENCE audit_events_id_seq TO bpm_app;
"""


def _migration_chains_existing_records(app):
    with app.app_context():
        db.drop_all()
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        upgrade(revision="0012")
        events = table(
            "audit_events",
            column("at", DateTime(timezone=True)),
            column("actor", String()),
            column("action", String()),
            column("details", AuditEvent.__table__.c.details.type),
        )
        at = datetime(2026, 3, 2, 1, 0, 0, 123456, tzinfo=UTC)
        db.session.execute(
            events.insert(),
            [
                {"at": at, "actor": "clerk1", "action": "task_completed", "details": {"n": n, "名称": "受理"}}
                for n in range(5)
            ],
        )
        db.session.commit()
        upgrade()
        assert audit.verify_chain(db.session) == {"ok": True, "count": 5, "broken": None}
        # the migration also queues the purge job (tests/api/test_retention.py)
        assert db.session.scalars(select(Job.kind).where(Job.dedup_key == "retention_purge")).all() == [
            "retention_purge"
        ]
    # and the chain goes on from the backfilled head
    config = app.extensions["engine_config"]
    with app.app_context(), UnitOfWork(config.sessions) as uow:
        audit.record(uow, Actor("setup", frozenset()), "calendar_loaded", config.clock.now())
        uow.commit()
    with app.app_context():
        assert audit.verify_chain(db.session)["count"] == 6


def test_migration_0013_chains_the_existing_records(app):
    _migration_chains_existing_records(app)


@pytest.mark.postgres
def test_migration_0013_chains_the_existing_records_on_postgres(app):
    _migration_chains_existing_records(app)
