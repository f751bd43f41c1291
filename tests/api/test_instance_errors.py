"""A case that fails names the element that failed and says why, in words a designer can act on."""

import pytest

from ..factories import CaseDriver, data_file, multipart


@pytest.fixture
def case(client, auth):
    files = multipart([data_file("bpmn/gateway_no_match.bpmn")])
    assert client.post("/api/v1/deployments", data=files, headers=auth.headers("designer")).status_code == 201
    return CaseDriver(client, auth)


def test_an_exclusive_gateway_with_no_true_condition_names_itself_and_the_data_it_saw(case):
    iid = case.start("exclusive_no_match", variables={})["id"]
    case.complete(iid, "prepare", "clerk", {"decision": "postpone", "comment": "待定"})

    instance = case.instance(iid)
    assert instance["status"] == "error"
    error = instance["error"]
    assert (error["element_id"], error["element_name"]) == ("gw_route", "受理决定")
    assert error["task_id"]
    assert "No outgoing flow" in error["message"]
    assert "decision == 'accept'" in error["message"]
    assert "'decision': 'postpone'" in error["message"]


def test_an_inclusive_gateway_with_no_true_condition_says_so(case):
    iid = case.start("inclusive_no_match", variables={})["id"]
    case.complete(iid, "i_prepare", "clerk", {"notify_police": False, "notify_commission": False})

    error = case.instance(iid)["error"]
    assert error["element_id"] == "gw_notify"
    assert "No outgoing flow" in error["message"]
    assert "'notify_police': False" in error["message"]


def test_the_data_a_failure_message_shows_is_a_short_excerpt(case):
    iid = case.start("exclusive_no_match", variables={})["id"]
    case.complete(iid, "prepare", "clerk", {"decision": "延期" * 1000})

    message = case.instance(iid)["error"]["message"]
    assert "'decision': '延期延期" in message
    assert len(message) < 600 and message.endswith("…")


def test_a_gateway_fixed_by_retry_with_corrected_variables_goes_on(client, auth, case):
    iid = case.start("exclusive_no_match", variables={})["id"]
    case.complete(iid, "prepare", "clerk", {"decision": "postpone"})
    response = client.post(
        f"/api/v1/process-instances/{iid}/retry",
        json={"variables": {"decision": "accept"}},
        headers=auth.headers("admin"),
    )
    assert response.status_code == 200, response.json
    assert response.json["status"] == "completed"
