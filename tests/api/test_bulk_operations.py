"""Supervisors' bulk claim, complete and transfer: each task succeeds or fails on its own."""

import pytest

from workflows.users import create_user_token

from .operations_support import Operations


@pytest.fixture
def ops(client, auth):
    driver = Operations(client, auth)
    driver.deploy_two_steps()
    auth.token("clerk", "clerk2")
    return driver


def _bulk(ops, body, user="supervisor1"):
    return ops.client.post("/api/v1/tasks/bulk", json=body, headers=ops.auth.headers("supervisor", user))


def test_a_bulk_transfer_reports_each_task_and_one_failure_leaves_the_others_done(ops):
    first, second = ops.start_two_steps(), ops.start_two_steps()
    ids = [ops.task_id(first, "review"), ops.task_id(second, "review")]
    ops.post(f"/api/v1/tasks/{ids[1]}/complete", {"data": {}}, "clerk1")
    response = _bulk(ops, {"operation": "transfer", "task_ids": ids, "to": "clerk2", "reason": "调整分工"})
    assert response.status_code == 200, response.json
    assert [(r["task_id"], r["status"]) for r in response.json] == [(ids[0], 200), (ids[1], 409)]
    assert response.json[1]["problem"]
    assert [t["assignee"] for t in ops.open_tasks(first)] == ["clerk2"]


def test_a_bulk_complete_answers_per_task(ops, auth):
    iid = ops.start_two_steps()
    task_id = ops.task_id(iid, "review")
    response = _bulk(
        ops, {"operation": "complete", "task_ids": [task_id, "no-such-task"], "data": {}}, "clerk_lead"
    )
    assert response.status_code == 200
    assert [r["status"] for r in response.json] == [403, 404]


def test_a_bulk_claim_by_a_supervisor_in_the_group(ops, auth):
    iid = ops.start_two_steps()
    task_id = ops.task_id(iid, "review")
    with ops.client.application.app_context():
        token = create_user_token(
            ops.client.application.extensions["engine_config"], "lead1", ["supervisor", "clerk"]
        )
    response = ops.client.post(
        "/api/v1/tasks/bulk",
        json={"operation": "claim", "task_ids": [task_id]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert [r["status"] for r in response.json] == [200]
    assert ops.open_tasks(iid)[0]["assignee"] == "lead1"


def test_bulk_actions_are_for_supervisors(ops):
    iid = ops.start_two_steps()
    response = ops.client.post(
        "/api/v1/tasks/bulk",
        json={"operation": "claim", "task_ids": [ops.task_id(iid, "review")]},
        headers=ops.auth.headers("clerk"),
    )
    assert response.status_code == 403


def test_a_bulk_transfer_without_a_receiver_is_422(ops):
    iid = ops.start_two_steps()
    response = _bulk(ops, {"operation": "transfer", "task_ids": [ops.task_id(iid, "review")]})
    assert response.status_code == 422
    assert response.json["errors"][0]["pointer"] == "/to"
