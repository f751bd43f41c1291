"""Webhook delivery: retries with backoff, timeouts, dead letters and redelivery, polling."""

from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, event, select, text

from api.database import db
from workflows.persistence.models import Job

from ..factories import run_worker


def outbox(client, auth, **query) -> list[dict]:
    args = "&".join(f"{k}={v}" for k, v in query.items())
    response = client.get(f"/api/v1/admin/outbox?page_size=100&{args}", headers=auth.headers("admin"))
    assert response.status_code == 200, response.json
    return response.json


def delivery_due(app, case_no):
    with app.app_context():
        return db.session.scalar(select(Job.due_at).where(Job.dedup_key == f"portal_delivery:{case_no}"))


def test_failing_receiver_gets_each_event_again_with_backoff_until_it_recovers(portal, receiver, app, clock):
    receiver.plan.extend([500, 500, 503])
    case_no = portal.submit()["case_no"]
    delays = []
    for _ in range(3):
        run_worker(app)
        delays.append((delivery_due(app, case_no) - clock.now()).total_seconds())
        clock.advance(hours=1)
    run_worker(app)
    assert 10 <= delays[0] <= 12.5 and 20 <= delays[1] <= 25 and 40 <= delays[2] <= 50
    first_ids = [r["event"]["event_id"] for r in receiver.requests[:4]]
    assert len(set(first_ids)) == 1 and [r["answer"] for r in receiver.requests[:4]] == [500, 500, 503, 200]
    assert [e["type"] for e in receiver.accepted] == ["received", "step_changed"]
    assert delivery_due(app, case_no) is None


def test_a_receiver_that_answers_too_late_gets_the_event_again(portal, receiver, app, clock, client, auth):
    receiver.plan.append("hang")
    receiver.hang_seconds = 1.5
    case_no = portal.submit()["case_no"]
    run_worker(app)
    stalled = outbox(client, auth, case_no=case_no)
    assert [(e["state"], e["attempts"]) for e in stalled] == [("pending", 1), ("pending", 0)]
    assert "Timeout" in stalled[0]["last_error"]
    clock.advance(minutes=1)
    run_worker(app)
    answers = [(r["event"]["sequence"], r["answer"]) for r in receiver.requests]
    assert answers == [(1, "hang"), (1, 200), (2, 200)]
    assert receiver.requests[0]["event"]["event_id"] == receiver.requests[1]["event"]["event_id"]


def test_a_slow_webhook_delays_only_its_own_case(portal, receiver, app):
    receiver.plan.append("hang")
    receiver.hang_seconds = 1.0
    slow = portal.submit()["case_no"]
    fast = portal.submit()["case_no"]
    run_worker(app)
    delivered = [(e["case_no"], e["sequence"]) for e in receiver.accepted]
    assert delivered == [(fast, 1), (fast, 2)]
    assert slow not in {e["case_no"] for e in receiver.accepted}


def test_dead_letter_blocks_its_case_until_redelivered(
    portal, receiver, app, clock, client, auth, engine_config
):
    engine_config.portal_delivery_attempts = 3
    receiver.plan.extend([500, 500, 500])
    case_no = portal.submit()["case_no"]
    for _ in range(3):
        run_worker(app)
        clock.advance(hours=1)
    dead = outbox(client, auth, state="dead")
    assert [(e["case_no"], e["event_type"], e["attempts"]) for e in dead] == [(case_no, "received", 3)]
    assert outbox(client, auth, case_no=case_no)[1]["state"] == "pending"
    assert delivery_due(app, case_no) is None

    other = portal.submit()["case_no"]
    run_worker(app)
    assert {e["case_no"] for e in receiver.accepted} == {other}

    redelivered = client.post(
        f"/api/v1/admin/outbox/{dead[0]['id']}/redeliver", headers=auth.headers("admin")
    )
    assert redelivered.status_code == 200 and redelivered.json["state"] == "pending"
    run_worker(app)
    mine = [e for e in receiver.accepted if e["case_no"] == case_no]
    assert [e["sequence"] for e in mine] == [1, 2]
    assert mine[0]["event_id"] == dead[0]["event_id"]
    assert outbox(client, auth, state="dead") == []


def test_redelivery_is_for_dead_letters_and_admins(portal, client, auth, app):
    portal.submit()
    run_worker(app)
    delivered = outbox(client, auth, state="delivered")[0]
    again = client.post(f"/api/v1/admin/outbox/{delivered['id']}/redeliver", headers=auth.headers("admin"))
    assert again.status_code == 409
    assert client.get("/api/v1/admin/outbox", headers=auth.headers("clerk")).status_code == 403
    assert client.post("/api/v1/admin/outbox/999/redeliver", headers=auth.headers("admin")).status_code == 404


def test_a_portal_without_webhook_catches_up_by_polling(other_portal, portal, app, client, auth):
    first = other_portal.submit()["case_no"]
    second = other_portal.submit()["case_no"]
    portal.submit()
    run_worker(app)
    page = other_portal.get("/api/v1/portal/events?after=0&limit=3").json
    assert [(e["case_no"], e["sequence"]) for e in page["events"]] == [(first, 1), (first, 2), (second, 1)]
    rest = other_portal.get(f"/api/v1/portal/events?after={page['next_after']}").json
    assert [(e["case_no"], e["sequence"]) for e in rest["events"]] == [(second, 2)]
    cursors = [e["client_sequence"] for e in page["events"] + rest["events"]]
    assert cursors == [1, 2, 3, 4]
    empty = other_portal.get(f"/api/v1/portal/events?after={rest['next_after']}").json
    assert empty == {"events": [], "next_after": 4}
    assert {e["state"] for e in outbox(client, auth, case_no=first)} == {"poll_only"}
    with app.app_context():
        assert db.session.scalar(select(Job).where(Job.dedup_key == f"portal_delivery:{first}")) is None


def test_polling_sees_events_a_webhook_already_received(portal, receiver, app):
    case_no = portal.submit()["case_no"]
    run_worker(app)
    polled = portal.get("/api/v1/portal/events?after=1").json["events"]
    assert [(e["case_no"], e["sequence"], e["type"]) for e in polled] == [(case_no, 2, "step_changed")]
    assert polled[0]["event_id"] == receiver.accepted[1]["event_id"]


@contextmanager
def open_transactions(app):
    """The connections of this process to the app's database that have a transaction open,
    kept up to date as transactions begin and end."""
    with app.app_context():
        engine = db.engine
    opened: set[int] = set()
    listeners = [
        ("begin", lambda conn: opened.add(id(conn))),
        ("commit", lambda conn: opened.discard(id(conn))),
        ("rollback", lambda conn: opened.discard(id(conn))),
    ]
    for name, listener in listeners:
        event.listen(engine, name, listener)
    try:
        yield opened
    finally:
        for name, listener in listeners:
            event.remove(engine, name, listener)


def _write_from_another_connection(url: str, case_no: str) -> dict:
    """Lock or write the case's delivery job from a new connection, without waiting; on
    PostgreSQL also count the sessions idle in a transaction."""
    other = create_engine(url, connect_args={} if url.startswith("postgresql") else {"timeout": 0})
    key = {"key": f"portal_delivery:{case_no}"}
    try:
        with other.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT id FROM jobs WHERE dedup_key = :key FOR UPDATE NOWAIT"), key)
                idle = conn.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        "AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()"
                    )
                )
            else:
                conn.execute(text("UPDATE jobs SET updated_at = updated_at WHERE dedup_key = :key"), key)
                idle = 0
        return {"written": True, "idle_in_transaction": idle}
    except Exception as exc:
        return {"written": False, "error": str(exc)}
    finally:
        other.dispose()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_no_transaction_is_open_while_the_webhook_answers(portal, receiver, app, database_url, backend):
    case_no = portal.submit()["case_no"]
    with open_transactions(app) as opened:

        def while_answering():
            return {"open_here": len(opened), **_write_from_another_connection(database_url, case_no)}

        receiver.while_answering = while_answering
        run_worker(app)
    seen = [r["seen"] for r in receiver.requests]
    assert [e["sequence"] for e in receiver.accepted] == [1, 2]
    assert seen == [{"open_here": 0, "written": True, "idle_in_transaction": 0}] * 2


def test_events_posted_by_a_worker_that_died_before_recording_are_posted_again(
    portal, receiver, app, database_url, clock, client, auth
):
    case_no = portal.submit()["case_no"]
    other = create_engine(database_url)

    def worker_dies_while_posting():
        with other.begin() as conn:
            conn.execute(
                text("UPDATE jobs SET lease_owner = 'a-worker-that-died' WHERE dedup_key = :key"),
                {"key": f"portal_delivery:{case_no}"},
            )
        receiver.while_answering = None

    receiver.while_answering = worker_dies_while_posting
    run_worker(app)
    other.dispose()
    assert [(e["state"], e["attempts"]) for e in outbox(client, auth, case_no=case_no)] == [
        ("pending", 0)
    ] * 2
    clock.advance(minutes=10)
    run_worker(app)
    posted = [(r["event"]["event_id"], r["answer"]) for r in receiver.requests]
    assert [event_id for event_id, _ in posted[2:]] == [event_id for event_id, _ in posted[:2]]
    assert {e["state"] for e in outbox(client, auth, case_no=case_no)} == {"delivered"}
