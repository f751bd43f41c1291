"""Case repair (admin): a reason for every change, moving the token, editing variables."""

import pytest

from ..factories import CaseDriver, data_file, multipart


@pytest.fixture
def case(client, auth):
    response = client.post(
        "/api/v1/deployments",
        data=multipart([data_file("bpmn/three_steps.bpmn"), data_file("bpmn/script_error.bpmn")]),
        headers=auth.headers("designer"),
    )
    assert response.status_code == 201, response.json
    return CaseDriver(client, auth)


def start(case):
    return case.start("three_steps", variables={"approved": True})["id"]


def move(client, auth, iid, group="admin", **body):
    return client.post(f"/api/v1/process-instances/{iid}/move", json=body, headers=auth.headers(group))


def history(client, auth, iid):
    return client.get(f"/api/v1/process-instances/{iid}/history", headers=auth.headers("admin")).json


def test_skipping_a_step_opens_the_next_one_and_records_why(client, auth, case):
    iid = start(case)
    response = move(client, auth, iid, to="review", reason="登记已在窗口线下完成")
    assert response.status_code == 200, response.json
    assert case.active(iid) == ["review"]
    [moved] = [e for e in history(client, auth, iid) if e["action"] == "token_moved"]
    assert moved["details"]["from"] == "register"
    assert (moved["details"]["to"], moved["details"]["mode"]) == ("review", "skip")
    assert moved["details"]["reason"] == "登记已在窗口线下完成"


def test_skipping_past_two_steps_reaches_the_target(client, auth, case):
    iid = start(case)
    assert move(client, auth, iid, to="approve", reason="补录").status_code == 200
    assert case.active(iid) == ["approve"]
    case.complete(iid, "approve", "approver", {})
    assert case.instance(iid)["variables"]["outcome"] == "approved"


def test_re_running_a_step_opens_it_again_and_keeps_later_data(client, auth, case):
    iid = start(case)
    case.complete(iid, "register", "clerk", {"register_no": "DJ-1"})
    case.complete(iid, "review", "clerk", {"opinion": "同意"})
    response = move(
        client, auth, iid, **{"from": "approve", "to": "register", "reason": "登记号有误，重新登记"}
    )
    assert response.status_code == 200, response.json
    assert case.active(iid) == ["register"]
    assert response.json["variables"]["opinion"] == "同意"
    assert [e["details"]["mode"] for e in history(client, auth, iid) if e["action"] == "token_moved"] == [
        "rerun"
    ]
    case.complete(iid, "register", "clerk", {"register_no": "DJ-2"})
    assert case.active(iid) == ["review"]


def test_moving_to_an_unknown_element_is_422_and_changes_nothing(client, auth, case):
    iid = start(case)
    response = move(client, auth, iid, to="nowhere", reason="x")
    assert response.status_code == 422
    assert response.json["errors"][0]["pointer"] == "/to"
    assert case.active(iid) == ["register"]


def test_moving_from_an_element_without_a_token_is_422(client, auth, case):
    iid = start(case)
    response = move(client, auth, iid, **{"from": "approve", "to": "review", "reason": "x"})
    assert response.status_code == 422
    assert response.json["errors"][0]["pointer"] == "/from"


def test_moving_needs_a_reason_and_an_administrator(client, auth, case):
    iid = start(case)
    assert move(client, auth, iid, to="review").status_code == 422
    assert move(client, auth, iid, to="review", reason="  ").status_code == 422
    assert move(client, auth, iid, group="clerk", to="review", reason="x").status_code == 403


def test_editing_variables_records_the_diff(client, auth, case):
    iid = start(case)
    case.complete(iid, "register", "clerk", {"register_no": "DJ-1", "note": "临时"})
    response = client.patch(
        f"/api/v1/process-instances/{iid}/variables",
        json={"set": {"register_no": "DJ-9", "approved": False}, "unset": ["note"], "reason": "更正登记号"},
        headers=auth.headers("admin"),
    )
    assert response.status_code == 200, response.json
    assert response.json["diff"] == {
        "register_no": {"from": "DJ-1", "to": "DJ-9"},
        "approved": {"from": True, "to": False},
        "note": {"from": "临时", "to": None, "removed": True},
    }
    variables = case.instance(iid)["variables"]
    assert (variables["register_no"], "note" in variables) == ("DJ-9", False)
    [edited] = [e for e in history(client, auth, iid) if e["action"] == "variables_edited"]
    assert edited["details"]["reason"] == "更正登记号"
    case.complete(iid, "review", "clerk", {})
    case.complete(iid, "approve", "approver", {})
    assert case.instance(iid)["variables"]["outcome"] == "refused"


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"set": {"_secret": 1}, "reason": "x"}, "/set/_secret"),
        ({"unset": ["missing"], "reason": "x"}, "/unset/0"),
        ({"set": {}, "reason": "x"}, "/set"),
        ({"set": {"a": 1}}, "/reason"),
    ],
)
def test_bad_variable_edits_are_422(client, auth, case, body, pointer):
    iid = start(case)
    response = client.patch(
        f"/api/v1/process-instances/{iid}/variables", json=body, headers=auth.headers("admin")
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["pointer"] == pointer


def test_a_failed_case_is_fixed_by_editing_variables_then_retrying(client, auth, case):
    iid = case.start("script_error", variables={"divisor": 0})["id"]
    case.complete(iid, "prepare", "clerk", {})
    assert case.instance(iid)["status"] == "error"
    edit = client.patch(
        f"/api/v1/process-instances/{iid}/variables",
        json={"set": {"divisor": 5}, "reason": "补录除数"},
        headers=auth.headers("admin"),
    )
    assert edit.status_code == 200, edit.json
    retried = client.post(f"/api/v1/process-instances/{iid}/retry", json={}, headers=auth.headers("admin"))
    assert retried.json["status"] == "running", retried.json
    assert retried.json["variables"]["result"] == 2
    assert case.active(iid) == ["review"]


def test_suspending_and_resuming_record_their_reasons(client, auth, case):
    iid = start(case)
    path = f"/api/v1/process-instances/{iid}"
    assert client.post(f"{path}/suspend", json={}, headers=auth.headers("admin")).status_code == 422
    client.post(f"{path}/suspend", json={"reason": "涉嫌违法，暂停办理"}, headers=auth.headers("admin"))
    client.post(f"{path}/resume", json={"reason": "核查完毕"}, headers=auth.headers("admin"))
    reasons = {e["action"]: e["details"].get("reason") for e in history(client, auth, iid)}
    assert reasons["instance_suspended"] == "涉嫌违法，暂停办理"
    assert reasons["instance_resumed"] == "核查完毕"


def test_a_failed_script_can_be_skipped(client, auth, case):
    iid = case.start("script_error", variables={"divisor": 0})["id"]
    case.complete(iid, "prepare", "clerk", {})
    response = move(client, auth, iid, **{"from": "compute", "to": "review", "reason": "人工计算完成"})
    assert response.status_code == 200, response.json
    assert (response.json["status"], response.json["error"]) == ("running", None)
    assert case.active(iid) == ["review"]
    [moved] = [e for e in history(client, auth, iid) if e["action"] == "token_moved"]
    assert moved["details"]["previous_error"]["element_id"] == "compute"
