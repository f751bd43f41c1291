"""Out-of-office substitutes (代理): new tasks of the absent user go to the substitute, visibly."""

from datetime import timedelta

import pytest

from .operations_support import Operations


@pytest.fixture
def ops(client, auth):
    driver = Operations(client, auth)
    driver.deploy_two_steps(approve_assignee="${approver}")
    for name in ("approver1", "approver2"):
        auth.token("approver", name)
    return driver


def _period(clock, days_from=0, days_to=5):
    now = clock.now()
    return {
        "from": (now + timedelta(days=days_from)).isoformat(),
        "to": (now + timedelta(days=days_to)).isoformat(),
    }


def _absent(ops, clock, **period):
    body = {"user": "approver2", **_period(clock, **period)}
    response = ops.client.put(
        "/api/v1/users/me/substitute", json=body, headers=ops.auth.headers("approver", "approver1")
    )
    assert response.status_code == 200, response.json
    return response.json


def _to_approval(ops):
    iid = ops.start_two_steps(approver="approver1")
    ops.post(f"/api/v1/tasks/{ops.task_id(iid, 'review')}/complete", {"data": {}}, "clerk1")
    return next(t for t in ops.open_tasks(iid) if t["bpmn_id"] == "approve"), iid


def test_during_the_period_a_new_task_goes_to_the_substitute_on_behalf_of_the_user(ops, clock):
    _absent(ops, clock)
    task, iid = _to_approval(ops)
    assert (task["assignee"], task["on_behalf_of"]) == ("approver2", "approver1")
    assert "task_substituted" in ops.actions(iid)
    inbox = ops.client.get("/api/v1/tasks", headers=ops.auth.headers("approver", "approver2")).json
    assert [t["on_behalf_of"] for t in inbox] == ["approver1"]


def test_after_the_period_new_tasks_go_to_the_user_again(ops, clock):
    _absent(ops, clock, days_to=1)
    clock.advance(days=2)
    task, _iid = _to_approval(ops)
    assert (task["assignee"], task["on_behalf_of"]) == ("approver1", None)


def test_the_substitution_can_be_read_and_ended(ops, clock):
    _absent(ops, clock)
    headers = ops.auth.headers("approver", "approver1")
    assert ops.client.get("/api/v1/users/me/substitute", headers=headers).json["user"] == "approver2"
    assert ops.client.delete("/api/v1/users/me/substitute", headers=headers).status_code == 204
    assert ops.client.get("/api/v1/users/me/substitute", headers=headers).status_code == 404
    task, _iid = _to_approval(ops)
    assert task["assignee"] == "approver1"


@pytest.mark.parametrize(("user", "pointer"), [("approver1", "/user"), ("ghost", "/user")])
def test_oneself_or_an_unknown_user_cannot_be_the_substitute(ops, clock, user, pointer):
    body = {"user": user, **_period(clock)}
    response = ops.client.put(
        "/api/v1/users/me/substitute", json=body, headers=ops.auth.headers("approver", "approver1")
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["pointer"] == pointer


def test_a_period_ending_before_it_starts_is_422(ops, clock):
    body = {"user": "approver2", **_period(clock, days_from=3, days_to=1)}
    response = ops.client.put(
        "/api/v1/users/me/substitute", json=body, headers=ops.auth.headers("approver", "approver1")
    )
    assert response.status_code == 422
