"""Added signers (加签) before, after and beside a task, and their removal (减签)."""

import pytest

from .operations_support import Operations


@pytest.fixture
def ops(client, auth):
    driver = Operations(client, auth)
    driver.deploy_two_steps()
    for name in ("clerk1", "clerk2", "approver1", "approver2"):
        auth.token(name.rstrip("12"), name)
    return driver


def _add(ops, task_id, users, position, by="clerk1"):
    return ops.post(f"/api/v1/tasks/{task_id}/signers", {"users": users, "position": position}, by)


def _sign(ops, iid, user, agree=True, opinion="同意", status=200):
    task = next(t for t in ops.open_tasks(iid) if t["kind"] == "signer" and t["assignee"] == user)
    response = ops.post(
        f"/api/v1/tasks/{task['id']}/complete", {"data": {"agree": agree, "opinion": opinion}}, user
    )
    assert response.status_code == status, response.json
    return response


def _steps(ops, iid):
    return sorted((t["bpmn_id"], t["kind"], t["assignee"]) for t in ops.open_tasks(iid))


def test_before_signers_sign_first_and_the_task_waits_for_them(ops):
    iid = ops.start_two_steps()
    task_id = ops.task_id(iid, "review")
    added = _add(ops, task_id, ["approver1", "clerk2"], "before")
    assert added.status_code == 201, added.json
    assert {t["sign_position"] for t in added.json} == {"before"}
    inbox = ops.client.get("/api/v1/tasks", headers=ops.auth.headers("clerk", "clerk1")).json
    assert inbox == []
    assert ops.post(f"/api/v1/tasks/{task_id}/complete", {"data": {}}, "clerk1").status_code == 409
    _sign(ops, iid, "approver1", agree=False, opinion="材料不全")
    assert ops.post(f"/api/v1/tasks/{task_id}/complete", {"data": {}}, "clerk1").status_code == 409
    _sign(ops, iid, "clerk2")
    assert ops.post(f"/api/v1/tasks/{task_id}/complete", {"data": {}}, "clerk1").status_code == 200
    assert _steps(ops, iid) == [("approve", "user", None)]
    signed = [e["details"] for e in ops.history(iid) if e["action"] == "signer_signed"]
    assert [(d["agree"], d["opinion"]) for d in signed] == [(False, "材料不全"), (True, "同意")]


def test_after_signers_sign_once_the_task_is_answered_and_hold_the_case_until_then(ops):
    iid = ops.start_two_steps()
    task_id = ops.task_id(iid, "review")
    assert _add(ops, task_id, ["approver1"], "after").status_code == 201
    assert _steps(ops, iid) == [("review", "user", "clerk1")]
    answered = ops.post(f"/api/v1/tasks/{task_id}/complete", {"data": {"remark": "可"}}, "clerk1")
    assert answered.status_code == 200, answered.json
    assert answered.json["task"]["held"] == "after_signers"
    assert _steps(ops, iid) == [("review", "signer", "approver1"), ("review", "user", "clerk1")]
    _sign(ops, iid, "approver1")
    assert _steps(ops, iid) == [("approve", "user", None)]
    assert ops.instance(iid)["variables"]["remark"] == "可"
    completed = [e for e in ops.history(iid) if e["action"] == "task_completed"]
    assert [(e["actor"], e["task_id"]) for e in completed] == [("clerk1", task_id)]


def test_parallel_signers_sign_beside_the_holder_and_the_last_one_moves_the_case_on(ops):
    iid = ops.start_two_steps()
    task_id = ops.task_id(iid, "review")
    assert _add(ops, task_id, ["approver1", "approver2"], "parallel").status_code == 201
    _sign(ops, iid, "approver1")
    ops.post(f"/api/v1/tasks/{task_id}/complete", {"data": {}}, "clerk1")
    assert [s[0] for s in _steps(ops, iid)] == ["review", "review"]
    _sign(ops, iid, "approver2", agree=False, opinion="保留意见")
    assert _steps(ops, iid) == [("approve", "user", None)]


def test_removing_the_last_before_signer_frees_the_task(ops):
    iid = ops.start_two_steps()
    task_id = ops.task_id(iid, "review")
    _add(ops, task_id, ["approver1"], "before")
    removed = ops.client.delete(
        f"/api/v1/tasks/{task_id}/signers/approver1", headers=ops.auth.headers("clerk", "clerk1")
    )
    assert removed.status_code == 200, removed.json
    assert removed.json["held"] is None
    assert _steps(ops, iid) == [("review", "user", "clerk1")]
    assert "signer_removed" in ops.actions(iid)


def test_removing_the_last_after_signer_of_an_answered_task_moves_the_case_on(ops):
    iid = ops.start_two_steps()
    task_id = ops.task_id(iid, "review")
    _add(ops, task_id, ["approver1"], "after")
    ops.post(f"/api/v1/tasks/{task_id}/complete", {"data": {}}, "clerk1")
    ops.client.delete(
        f"/api/v1/tasks/{task_id}/signers/approver1", headers=ops.auth.headers("clerk", "clerk1")
    )
    assert _steps(ops, iid) == [("approve", "user", None)]


@pytest.mark.parametrize("user", ["approver2", "clerk2"])
def test_removing_someone_who_was_not_added_is_422(ops, user):
    iid = ops.start_two_steps()
    task_id = ops.task_id(iid, "review")
    _add(ops, task_id, ["approver1"], "before")
    response = ops.client.delete(
        f"/api/v1/tasks/{task_id}/signers/{user}", headers=ops.auth.headers("clerk", "clerk1")
    )
    assert response.status_code == 422, response.json
    assert response.json["errors"][0]["pointer"] == "/user"


def test_removing_a_signer_who_has_signed_is_422(ops):
    iid = ops.start_two_steps()
    task_id = ops.task_id(iid, "review")
    _add(ops, task_id, ["approver1", "approver2"], "before")
    _sign(ops, iid, "approver1")
    response = ops.client.delete(
        f"/api/v1/tasks/{task_id}/signers/approver1", headers=ops.auth.headers("clerk", "clerk1")
    )
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("users", "pointer"),
    [(["ghost"], "/users/0"), (["approver1", "approver1"], "/users/1"), (["clerk1"], "/users/0")],
)
def test_adding_unknown_duplicate_or_own_signers_is_422(ops, users, pointer):
    iid = ops.start_two_steps()
    response = _add(ops, ops.task_id(iid, "review"), users, "before")
    assert response.status_code == 422, response.json
    assert response.json["errors"][0]["pointer"] == pointer


def test_a_signer_answers_with_agree_and_an_opinion(ops):
    iid = ops.start_two_steps()
    _add(ops, ops.task_id(iid, "review"), ["approver1"], "parallel")
    task = next(t for t in ops.open_tasks(iid) if t["kind"] == "signer")
    response = ops.post(f"/api/v1/tasks/{task['id']}/complete", {"data": {"opinion": "?"}}, "approver1")
    assert response.status_code == 422
    assert response.json["errors"][0]["pointer"] == "/data/agree"


def test_signers_of_someone_elses_task_cannot_be_added(ops):
    iid = ops.start_two_steps()
    task_id = ops.task_id(iid, "review")
    ops.post(f"/api/v1/tasks/{task_id}/claim", None, "clerk1")
    assert _add(ops, task_id, ["approver1"], "before", by="clerk2").status_code == 403


def test_a_step_without_add_signer_in_its_allowed_operations_refuses_it(client, auth):
    ops = Operations(client, auth)
    ops.deploy_two_steps(review={"allowedOperations": "claim,complete"})
    auth.token("approver", "approver1")
    iid = ops.start_two_steps()
    assert _add(ops, ops.task_id(iid, "review"), ["approver1"], "before").status_code == 403
