"""Several workers and concurrent changes on PostgreSQL: every event once, in case order, none stranded."""

import threading

import pytest
from sqlalchemy import select

from api.database import db
from workflows.jobs.executor import run_due_jobs
from workflows.persistence.models import OutboxEvent

from ..factories import CaseDriver, run_worker


def _workers(app, count: int) -> list[threading.Thread]:
    config = app.extensions["engine_config"]

    def work(owner):
        with app.app_context():
            run_due_jobs(config, owner=owner, limit=2)

    threads = [threading.Thread(target=work, args=(f"worker-{i}",)) for i in range(count)]
    for thread in threads:
        thread.start()
    return threads


def _assert_each_event_once_in_order(app, receiver, case_nos) -> None:
    events = receiver.accepted
    assert len({e["event_id"] for e in events}) == len(events)
    for case_no in case_nos:
        sequences = [e["sequence"] for e in events if e["case_no"] == case_no]
        assert sequences == list(range(1, len(sequences) + 1)), case_no
    with app.app_context():
        stranded = db.session.scalars(select(OutboxEvent.id).where(OutboxEvent.state != "delivered")).all()
    assert stranded == []


@pytest.mark.postgres
def test_two_workers_deliver_each_event_once_in_case_order(portal, receiver, app):
    case_nos = [portal.submit()["case_no"] for _ in range(12)]
    for thread in _workers(app, 2):
        thread.join()
    assert len(receiver.accepted) == 24
    _assert_each_event_once_in_order(app, receiver, case_nos)


@pytest.mark.postgres
def test_events_written_while_their_case_is_being_delivered_are_not_stranded(
    portal, receiver, app, client, auth
):
    receiver.delay_seconds = 0.05
    case = CaseDriver(client, auth)
    case_nos = [portal.submit()["case_no"] for _ in range(6)]
    found = client.get("/api/v1/process-instances?page_size=100", headers=auth.headers("admin")).json
    instances = {i["business_key"]: i["id"] for i in found}
    threads = _workers(app, 2)
    for case_no in case_nos:
        case.complete(instances[case_no], "accept_application", "clerk", {"decision": "accept"})
    for thread in threads:
        thread.join()
    run_worker(app)
    _assert_each_event_once_in_order(app, receiver, case_nos)
    assert {e["type"] for e in receiver.accepted} >= {"received", "accepted", "deadline_paused"}
