"""Process instances: start, read, list, history, administration, errors."""

import pytest

from ..factories import CaseDriver, application, business_key, data_file, multipart

START = "/api/v1/process-definitions/qualification_approval/instances"


@pytest.fixture
def case(client, auth, deployed):
    return CaseDriver(client, auth)


def test_start_returns_the_instance_with_its_ready_tasks(case):
    started = case.start()
    assert started["status"] == "running"
    assert started["definition_version"] == 1
    assert [t["bpmn_id"] for t in started["active_tasks"]] == ["accept_application"]
    assert started["variables"]["procedure"] == "normal"


def test_second_active_instance_with_the_same_business_key_is_409(client, auth, deployed):
    body = {"business_key": business_key(), "variables": application()}
    assert client.post(START, json=body, headers=auth.headers("clerk")).status_code == 201
    again = client.post(START, json=body, headers=auth.headers("clerk"))
    assert again.status_code == 409
    assert "already exists" in again.json["detail"]


def test_business_key_is_free_again_once_the_case_ended(client, auth, case):
    body = {"business_key": business_key(), "variables": application()}
    first = client.post(START, json=body, headers=auth.headers("clerk")).json
    case.complete(first["id"], "accept_application", "clerk", {"decision": "refuse", "reason": "不符合条件"})
    assert client.post(START, json=body, headers=auth.headers("clerk")).status_code == 201


def test_idempotency_key_replays_the_first_result(client, auth, deployed):
    body = {"business_key": business_key(), "variables": application()}
    headers = {**auth.headers("clerk"), "Idempotency-Key": "req-1"}
    first = client.post(START, json=body, headers=headers)
    second = client.post(START, json=body, headers=headers)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json["id"] == first.json["id"]
    assert second.headers["Idempotent-Replayed"] == "true"
    listed = client.get(
        f"/api/v1/process-instances?business_key={body['business_key']}", headers=auth.headers("admin")
    )
    assert len(listed.json) == 1


def test_idempotency_key_reused_for_another_request_is_409(client, auth, deployed):
    headers = {**auth.headers("clerk"), "Idempotency-Key": "req-2"}
    client.post(START, json={"business_key": "K1", "variables": application()}, headers=headers)
    response = client.post(START, json={"business_key": "K2", "variables": application()}, headers=headers)
    assert response.status_code == 409


def test_only_groups_with_start_permission_may_start(client, auth, deployed):
    response = client.post(START, json={"variables": application()}, headers=auth.headers("approver"))
    assert response.status_code == 403


def test_unknown_process_is_404(client, auth, deployed):
    response = client.post(
        "/api/v1/process-definitions/nope/instances", json={}, headers=auth.headers("admin")
    )
    assert response.status_code == 404
    assert response.json["title"] == "Not found"


def test_malformed_body_is_422_with_pointer(client, auth, deployed):
    response = client.post(START, json={"variables": "not an object"}, headers=auth.headers("clerk"))
    assert response.status_code == 422
    assert response.json["errors"][0]["pointer"] == "/variables"


def test_list_filters_and_paginates(client, auth, case):
    ids = [case.start()["id"] for _ in range(3)]
    case.complete(ids[0], "accept_application", "clerk", {"decision": "refuse", "reason": "x"})
    response = client.get(
        "/api/v1/process-instances?status=running&page_size=1&page=2", headers=auth.headers("admin")
    )
    assert response.status_code == 200
    assert len(response.json) == 1
    assert '"total": 2' in response.headers["X-Pagination"]
    completed = client.get("/api/v1/process-instances?status=completed", headers=auth.headers("admin")).json
    assert [i["id"] for i in completed] == [ids[0]]


def test_staff_read_only_processes_where_their_group_has_a_lane(client, auth, case):
    iid = case.start()["id"]
    assert client.get(f"/api/v1/process-instances/{iid}", headers=auth.headers("approver")).status_code == 200
    assert (
        client.get(f"/api/v1/process-instances/{iid}", headers=auth.headers("inspector")).status_code == 403
    )
    assert client.get("/api/v1/process-instances", headers=auth.headers("inspector")).json == []


def test_unknown_instance_is_404(client, auth, deployed):
    for path in (
        "/api/v1/process-instances/nope",
        "/api/v1/process-instances/6f1f2a52-0000-4000-8000-000000000000",
    ):
        assert client.get(path, headers=auth.headers("admin")).status_code == 404


def test_history_lists_the_audit_events_oldest_first(client, auth, case):
    iid = case.start()["id"]
    case.complete(iid, "accept_application", "clerk", {"decision": "accept"})
    events = client.get(f"/api/v1/process-instances/{iid}/history", headers=auth.headers("clerk")).json
    assert [e["action"] for e in events] == [
        "instance_started",
        "task_created",
        "task_completed",
        "task_created",
        "clock_started",
        "clock_paused",
    ]
    completed = events[2]
    assert completed["actor"] == "clerk1"
    assert completed["details"]["data"] == {"decision": "accept"}
    assert completed["task_id"] is not None


def test_cancel_is_for_admins_and_closes_the_tasks(client, auth, case):
    iid = case.start()["id"]
    assert (
        client.post(
            f"/api/v1/process-instances/{iid}/cancel", json={"reason": "撤销"}, headers=auth.headers("clerk")
        ).status_code
        == 403
    )
    response = client.post(
        f"/api/v1/process-instances/{iid}/cancel",
        json={"reason": "申请人撤回"},
        headers=auth.headers("admin"),
    )
    assert response.json["status"] == "cancelled"
    assert response.json["active_tasks"] == []
    assert client.get("/api/v1/tasks", headers=auth.headers("clerk")).json == []
    again = client.post(
        f"/api/v1/process-instances/{iid}/cancel", json={"reason": "撤销"}, headers=auth.headers("admin")
    )
    assert again.status_code == 409


def test_suspended_case_leaves_worklists_and_refuses_completion(client, auth, case):
    iid = case.start()["id"]
    task = case.task(iid, "accept_application", "clerk")
    suspended = client.post(
        f"/api/v1/process-instances/{iid}/suspend", json={"reason": "核查"}, headers=auth.headers("admin")
    ).json
    assert suspended["status"] == "suspended"
    assert client.get("/api/v1/tasks", headers=auth.headers("clerk")).json == []
    response = client.post(
        f"/api/v1/tasks/{task['id']}/complete",
        json={"data": {"decision": "accept"}},
        headers=auth.headers("clerk"),
    )
    assert response.status_code == 409
    client.post(
        f"/api/v1/process-instances/{iid}/resume", json={"reason": "核查完毕"}, headers=auth.headers("admin")
    )
    case.complete(iid, "accept_application", "clerk", {"decision": "accept"})


def _deploy_data(client, auth, *names):
    response = client.post(
        "/api/v1/deployments", data=multipart([data_file(n) for n in names]), headers=auth.headers("designer")
    )
    assert response.status_code == 201, response.json


def test_script_error_puts_the_instance_in_error_and_keeps_the_completed_task(client, auth):
    _deploy_data(client, auth, "bpmn/script_error.bpmn")
    case = CaseDriver(client, auth)
    iid = case.start("script_error", variables={"divisor": 0})["id"]
    case.complete(iid, "prepare", "clerk", {})
    instance = case.instance(iid)
    assert instance["status"] == "error"
    assert instance["error"]["element_id"] == "compute"
    assert instance["error"]["message"].startswith("ZeroDivisionError: division by zero")
    assert instance["active_tasks"] == []
    history = client.get(f"/api/v1/process-instances/{iid}/history", headers=auth.headers("admin")).json
    assert [e["action"] for e in history][-2:] == ["task_completed", "instance_error"]


def test_retry_with_corrected_variables_resumes_the_case(client, auth):
    _deploy_data(client, auth, "bpmn/script_error.bpmn")
    case = CaseDriver(client, auth)
    iid = case.start("script_error", variables={"divisor": 0})["id"]
    case.complete(iid, "prepare", "clerk", {})
    response = client.post(
        f"/api/v1/process-instances/{iid}/retry",
        json={"variables": {"divisor": 5}},
        headers=auth.headers("admin"),
    )
    assert response.status_code == 200
    assert response.json["status"] == "running"
    assert response.json["error"] is None
    assert response.json["variables"]["result"] == 2
    assert [t["bpmn_id"] for t in response.json["active_tasks"]] == ["review"]


def test_runaway_loop_fails_loudly_instead_of_losing_tasks(client, auth):
    _deploy_data(client, auth, "bpmn/runaway_loop.bpmn")
    response = client.post(
        "/api/v1/process-definitions/runaway_loop/instances", json={}, headers=auth.headers("clerk")
    )
    assert response.status_code == 201
    assert response.json["status"] == "error"
    assert response.json["error"]["element_id"] in ("count", "more", "merge")
    assert "loop" in response.json["error"]["message"]


def test_each_process_of_a_file_with_two_runs_its_own_diagram(client, auth):
    _deploy_data(client, auth, "bpmn/gateway_no_match.bpmn")
    case = CaseDriver(client, auth)
    first = case.start("exclusive_no_match", variables={})["id"]
    second = case.start("inclusive_no_match", variables={})["id"]
    assert (case.active(first), case.active(second)) == (["prepare"], ["i_prepare"])
