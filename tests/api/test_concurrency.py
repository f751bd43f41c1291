"""Concurrent changes to one case: exactly one wins, the others get 409, nothing is half-written."""

import threading

import pytest
from sqlalchemy import func, select

from api.database import db
from workflows.persistence.models import AuditEvent, Task

from ..factories import CaseDriver, application, business_key

START = "/api/v1/process-definitions/qualification_approval/instances"


def race(app, requests):
    """Send each (method, url, json, headers) from its own thread at the same moment."""
    barrier = threading.Barrier(len(requests))
    results = [None] * len(requests)

    def send(i, method, url, body, headers):
        client = app.test_client()
        barrier.wait()
        results[i] = client.open(url, method=method, json=body, headers=headers)

    threads = [threading.Thread(target=send, args=(i, *r)) for i, r in enumerate(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def _second_concurrent_completion_gets_409(app, client, auth):
    case = CaseDriver(client, auth)
    for _ in range(5):
        iid = case.start()["id"]
        task = case.task(iid, "accept_application", "clerk")
        url = f"/api/v1/tasks/{task['id']}/complete"
        body = {"data": {"decision": "accept"}}
        responses = race(app, [("POST", url, body, auth.headers("clerk", n)) for n in ("clerk1", "clerk2")])
        assert sorted(r.status_code for r in responses) == [200, 409], [r.json for r in responses]
        with app.app_context():
            completions = db.session.scalar(
                select(func.count()).where(
                    AuditEvent.task_id == task["id"], AuditEvent.action == "task_completed"
                )
            )
            reviews = db.session.scalar(
                select(func.count()).where(Task.instance_id == iid, Task.bpmn_id == "resolve_draw")
            )
        assert (completions, reviews) == (1, 1)
        assert case.active(iid) == ["resolve_draw"]


@pytest.mark.postgres
@pytest.mark.usefixtures("deployed")
def test_second_concurrent_completion_gets_409_on_postgres(app, client, auth):
    _second_concurrent_completion_gets_409(app, client, auth)


@pytest.mark.usefixtures("deployed")
def test_second_concurrent_completion_gets_409_on_sqlite(app, client, auth):
    _second_concurrent_completion_gets_409(app, client, auth)


@pytest.mark.postgres
@pytest.mark.usefixtures("deployed")
def test_concurrent_starts_with_one_business_key_create_one_case(app, client, auth):
    body = {"business_key": business_key(), "variables": application()}
    responses = race(
        app, [("POST", START, body, auth.headers("clerk", n)) for n in ("clerk1", "clerk2", "clerk3")]
    )
    assert sorted(r.status_code for r in responses) == [201, 409, 409]
    listed = client.get(
        f"/api/v1/process-instances?business_key={body['business_key']}", headers=auth.headers("admin")
    )
    assert len(listed.json) == 1


@pytest.mark.postgres
@pytest.mark.usefixtures("deployed")
def test_concurrent_claims_have_one_winner(app, client, auth):
    case = CaseDriver(client, auth)
    iid = case.start()["id"]
    task = case.task(iid, "accept_application", "clerk")
    url = f"/api/v1/tasks/{task['id']}/claim"
    responses = race(
        app, [("POST", url, None, auth.headers("clerk", n)) for n in ("clerk1", "clerk2", "clerk3")]
    )
    assert sorted(r.status_code for r in responses) == [200, 409, 409]
    winner = next(r.json["assignee"] for r in responses if r.status_code == 200)
    assert case.instance(iid)["active_tasks"][0]["assignee"] == winner
