"""POST /messages delivers BPMN messages to the waiting cases."""

import pytest

from ..factories import CaseDriver, data_file, multipart


@pytest.fixture
def case(client, auth):
    files = multipart([data_file("bpmn/message_wait.bpmn")])
    assert client.post("/api/v1/deployments", data=files, headers=auth.headers("designer")).status_code == 201
    return CaseDriver(client, auth)


def test_message_moves_the_waiting_case_on_with_its_variables(client, auth, case):
    started = case.start("message_wait", variables={}, group="case_officer")
    assert started["active_tasks"] == []
    response = client.post(
        "/api/v1/messages",
        json={
            "name": "public_security_answer",
            "business_key": started["business_key"],
            "variables": {"filed": True},
        },
        headers=auth.headers("case_officer"),
    )
    assert response.status_code == 200
    assert response.json["delivered_to"] == [started["id"]]
    instance = case.instance(started["id"])
    assert [t["bpmn_id"] for t in instance["active_tasks"]] == ["handle_answer"]
    assert instance["variables"]["filed"] is True


def test_message_nobody_waits_for_is_404(client, auth, case):
    started = case.start("message_wait", variables={}, group="case_officer")
    body = {"name": "public_security_answer", "business_key": started["business_key"]}
    assert client.post("/api/v1/messages", json=body, headers=auth.headers("case_officer")).status_code == 200
    again = client.post("/api/v1/messages", json=body, headers=auth.headers("case_officer"))
    assert again.status_code == 404
    unknown = client.post(
        "/api/v1/messages", json={"name": "nothing", "business_key": "x"}, headers=auth.headers("admin")
    )
    assert unknown.status_code == 404


def test_message_to_a_case_outside_my_groups_is_403(client, auth, case):
    started = case.start("message_wait", variables={}, group="case_officer")
    body = {"name": "public_security_answer", "business_key": started["business_key"]}
    assert client.post("/api/v1/messages", json=body, headers=auth.headers("clerk")).status_code == 403
    assert case.instance(started["id"])["active_tasks"] == []


def test_message_without_name_is_422(client, auth, case):
    response = client.post("/api/v1/messages", json={"business_key": "x"}, headers=auth.headers("admin"))
    assert response.status_code == 422
    assert response.json["errors"][0]["pointer"] == "/name"
