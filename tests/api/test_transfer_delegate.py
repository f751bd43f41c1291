"""Transfer (转办) and delegation (委派) through HTTP, with their refusals and history."""

import pytest

from .operations_support import Operations


@pytest.fixture
def ops(client, auth):
    driver = Operations(client, auth)
    driver.deploy_two_steps()
    for name in ("clerk1", "clerk2", "approver1"):
        auth.token(name.rstrip("12"), name)
    return driver


def test_a_transferred_task_is_the_receivers_and_the_history_says_why(ops):
    iid = ops.start_two_steps()
    task_id = ops.task_id(iid, "review")
    response = ops.post(f"/api/v1/tasks/{task_id}/transfer", {"to": "clerk2", "reason": "出差"}, "clerk1")
    assert response.status_code == 200, response.json
    assert response.json["assignee"] == "clerk2"
    assert [
        t["id"] for t in ops.client.get("/api/v1/tasks", headers=ops.auth.headers("clerk", "clerk1")).json
    ] == []
    event = [e for e in ops.history(iid) if e["action"] == "task_transferred"][0]
    assert (event["actor"], event["details"]["to"], event["details"]["reason"]) == (
        "clerk1",
        "clerk2",
        "出差",
    )
    ops.post(f"/api/v1/tasks/{task_id}/complete", {"data": {}}, "clerk2")
    assert [t["bpmn_id"] for t in ops.open_tasks(iid)] == ["approve"]


@pytest.mark.parametrize("to", ["approver1", "nobody"])
def test_transferring_to_someone_who_may_not_do_the_task_is_422_naming_to(ops, to):
    iid = ops.start_two_steps()
    task_id = ops.task_id(iid, "review")
    response = ops.post(f"/api/v1/tasks/{task_id}/transfer", {"to": to}, "clerk1")
    assert response.status_code == 422, response.json
    assert response.json["errors"][0]["pointer"] == "/to"
    assert "task_transferred" not in ops.actions(iid)


def test_transferring_someone_elses_claimed_task_is_403(ops):
    iid = ops.start_two_steps()
    task_id = ops.task_id(iid, "review")
    ops.post(f"/api/v1/tasks/{task_id}/claim", None, "clerk2")
    assert ops.post(f"/api/v1/tasks/{task_id}/transfer", {"to": "clerk1"}, "clerk3").status_code == 403


def test_a_delegate_answers_then_the_owner_confirms_and_the_case_moves_on(ops):
    iid = ops.start_two_steps()
    task_id = ops.task_id(iid, "review")
    delegated = ops.post(f"/api/v1/tasks/{task_id}/delegate", {"to": "clerk2"}, "clerk1")
    assert delegated.status_code == 200, delegated.json
    assert (delegated.json["owner"], delegated.json["assignee"], delegated.json["delegation"]) == (
        "clerk1",
        "clerk2",
        "pending",
    )
    assert ops.post(f"/api/v1/tasks/{task_id}/complete", {"data": {}}, "clerk1").status_code == 409
    answered = ops.post(f"/api/v1/tasks/{task_id}/complete", {"data": {"remark": "已核"}}, "clerk2")
    assert answered.status_code == 200, answered.json
    assert (answered.json["task"]["assignee"], answered.json["task"]["delegation"]) == ("clerk1", "resolved")
    assert [t["bpmn_id"] for t in ops.open_tasks(iid)] == ["review"]
    detail = ops.client.get(f"/api/v1/tasks/{task_id}", headers=ops.auth.headers("clerk", "clerk1")).json
    assert detail["data"]["remark"] == "已核"
    ops.post(f"/api/v1/tasks/{task_id}/complete", {"data": {"remark": "已核"}}, "clerk1")
    assert [t["bpmn_id"] for t in ops.open_tasks(iid)] == ["approve"]
    assert ops.instance(iid)["variables"]["remark"] == "已核"
    actions = ops.actions(iid)
    assert (
        actions.index("task_delegated")
        < actions.index("task_delegate_answered")
        < actions.index("task_completed")
    )


def test_delegating_to_someone_outside_the_groups_is_422(ops):
    iid = ops.start_two_steps()
    task_id = ops.task_id(iid, "review")
    response = ops.post(f"/api/v1/tasks/{task_id}/delegate", {"to": "approver1"}, "clerk1")
    assert response.status_code == 422
    assert response.json["errors"][0]["pointer"] == "/to"


def test_a_step_without_transfer_in_its_allowed_operations_refuses_it(client, auth):
    ops = Operations(client, auth)
    ops.deploy_two_steps(review={"allowedOperations": "claim,complete,comment"})
    auth.token("clerk", "clerk2")
    iid = ops.start_two_steps()
    task_id = ops.task_id(iid, "review")
    response = ops.post(f"/api/v1/tasks/{task_id}/transfer", {"to": "clerk2"}, "clerk1")
    assert response.status_code == 403
    assert "transfer" in response.json["detail"]
    assert ops.post(f"/api/v1/tasks/{task_id}/delegate", {"to": "clerk2"}, "clerk1").status_code == 403
