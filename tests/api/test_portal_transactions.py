"""One transaction per portal request: the nonce commits with the change the request makes."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from api.database import db
from workflows.persistence.models import IdempotencyRecord

from ..factories import CaseDriver, application, business_key
from .portal_support import case_record

APPLICATIONS = "/api/v1/portal/applications"
START = "/api/v1/process-definitions/qualification_approval/instances"
MATERIAL = {"name": "检验能力证明", "file_ref": "oss://portal/b2.pdf", "sha256": "ab" * 32}
_WRITTEN_TABLE = re.compile(r"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.IGNORECASE)


@contextmanager
def committed_transactions(app):
    """The tables each transaction committed meanwhile wrote, in commit order; the rate
    limiter's own counter transactions are left out."""
    with app.app_context():
        engine = db.engine
    open_writes: dict[int, set[str]] = {}
    committed: list[set[str]] = []

    def executed(conn, cursor, statement, parameters, context, executemany):
        match = _WRITTEN_TABLE.match(statement)
        open_writes.setdefault(id(conn), set())
        if match:
            open_writes[id(conn)].add(match.group(1))

    def commit(conn):
        written = open_writes.pop(id(conn), set())
        if written != {"rate_limit_counters"}:
            committed.append(written)

    def rollback(conn):
        open_writes.pop(id(conn), None)

    listeners = [("after_cursor_execute", executed), ("commit", commit), ("rollback", rollback)]
    for name, listener in listeners:
        event.listen(engine, name, listener)
    try:
        yield committed
    finally:
        for name, listener in listeners:
            event.remove(engine, name, listener)


@pytest.fixture
def case(client, auth):
    driver = CaseDriver(client, auth)
    driver.reviewer_pool()
    return driver


def instance_id(client, auth, case_no: str) -> str:
    found = client.get(f"/api/v1/process-instances?business_key={case_no}", headers=auth.headers("admin"))
    return found.json[0]["id"]


def test_a_submission_commits_once_with_its_nonce(portal, app):
    with committed_transactions(app) as committed:
        portal.submit(key="one-transaction")
    assert len(committed) == 1
    assert {"portal_nonces", "portal_cases", "process_instances", "idempotency_records"} <= committed[0]


def test_a_read_only_request_commits_only_its_nonce(portal, app):
    case_no = portal.submit()["case_no"]
    with committed_transactions(app) as committed:
        assert portal.get(f"{APPLICATIONS}/{case_no}").status_code == 200
        assert portal.get("/api/v1/portal/events?after=0").status_code == 200
    assert committed == [{"portal_nonces"}, {"portal_nonces"}]


def test_supplements_commit_once_with_the_task_and_the_nonce(portal, app, client, auth, case):
    case_no = portal.submit()["case_no"]
    case.complete(
        instance_id(client, auth, case_no),
        "accept_application",
        "clerk",
        {"decision": "supplement", "missing_items": ["检验能力证明"]},
    )
    with committed_transactions(app) as committed:
        supplied = portal.post(f"{APPLICATIONS}/{case_no}/supplements", {"materials": [MATERIAL]})
    assert supplied.status_code == 200, supplied.json
    assert supplied.json["status"] != "supplements_requested"
    assert len(committed) == 1
    assert {"portal_nonces", "tasks", "process_instances", "audit_events"} <= committed[0]


def test_a_failed_request_rolls_back_but_still_uses_up_its_nonce(portal, app):
    case_no = portal.submit()["case_no"]
    path = f"{APPLICATIONS}/{case_no}/supplements"
    with committed_transactions(app) as committed:
        refused = portal.post(path, {"materials": [MATERIAL]}, nonce="failed-request-nonce-1")
    assert refused.status_code == 409
    assert committed == [{"portal_nonces"}]
    replayed = portal.post(path, {"materials": [MATERIAL]}, nonce="failed-request-nonce-1")
    assert replayed.status_code == 401 and "already used" in replayed.json["detail"]


@pytest.mark.parametrize(
    "method, path",
    [("GET", "/api/v1/portal/events?after=0"), ("POST", f"{APPLICATIONS}/{{case_no}}/query-password")],
)
def test_a_successful_request_cannot_be_replayed(portal, method, path):
    path = path.format(case_no=portal.submit()["case_no"])
    first = portal.send(method, path, {} if method == "POST" else None, nonce="used-once-nonce-0001")
    assert first.status_code == 200
    again = portal.send(method, path, {} if method == "POST" else None, nonce="used-once-nonce-0001")
    assert again.status_code == 401


def test_staff_starts_and_portal_submissions_share_one_idempotency_record_table(
    portal, app, client, auth, deployed
):
    record = case_record()
    first = portal.submit(record, key="shared-key")
    assert portal.submit(record, key="shared-key", status=200)["case_no"] == first["case_no"]
    assert portal.submit(case_record(channel="app"), key="shared-key", status=409)
    headers = {**auth.headers("clerk"), "Idempotency-Key": "shared-key"}
    body = {"business_key": business_key(), "variables": application()}
    started = client.post(START, json=body, headers=headers)
    replayed = client.post(START, json=body, headers=headers)
    assert replayed.json["id"] == started.json["id"] and replayed.headers["Idempotent-Replayed"] == "true"
    other = {"business_key": business_key(), "variables": application()}
    assert client.post(START, json=other, headers=headers).status_code == 409
    with app.app_context():
        scopes = db.session.scalars(select(IdempotencyRecord.scope).order_by(IdempotencyRecord.id)).all()
    assert scopes == [f"portal:{portal.client_id}", "clerk1"]
