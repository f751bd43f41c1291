"""POST /messages delivers BPMN messages to the waiting cases."""

import json

import pytest

from ..factories import DATA, CaseDriver, business_key, data_file, multipart


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


@pytest.fixture
def lab(client, auth):
    """Two processes waiting for ``lab_result``, correlated by sample number, with a payload schema."""
    schema = (DATA / "forms/lab_results/messages/lab_result.schema.json").read_bytes()
    files = [data_file("bpmn/lab_results.bpmn"), ("lab_results/messages/lab_result.schema.json", schema)]
    response = client.post("/api/v1/deployments", data=multipart(files), headers=auth.headers("designer"))
    assert response.status_code == 201, response.json
    return CaseDriver(client, auth)


def post(client, auth, body: dict):
    return client.post("/api/v1/messages", json=body, headers=auth.headers("case_officer"))


def waiting(case, iid: str) -> bool:
    return case.instance(iid)["active_tasks"] == []


def test_a_message_naming_no_case_is_422(client, auth, case):
    started = case.start("message_wait", variables={}, group="case_officer")
    response = post(client, auth, {"name": "public_security_answer", "variables": {"filed": True}})
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json["errors"]] == ["/business_key"]
    assert waiting(case, started["id"])


def test_correlation_keys_the_diagram_declares_pick_the_case(client, auth, lab):
    first = lab.start("lab_results", variables={"sample_no": "S1"}, group="case_officer")["id"]
    second = lab.start("lab_results", variables={"sample_no": "S2"}, group="case_officer")["id"]
    body = {"name": "lab_result", "correlation_keys": {"sample_no": "S2"}, "variables": {"status": "final"}}
    response = post(client, auth, body)
    assert response.status_code == 200, response.json
    assert response.json["delivered_to"] == [second]
    assert waiting(lab, first) and lab.active(second) == ["handle_result"]


def test_a_correlation_key_the_diagram_does_not_declare_is_422(client, auth, lab):
    iid = lab.start("lab_results", variables={"sample_no": "S1"}, group="case_officer")["id"]
    body = {"name": "lab_result", "correlation_keys": {"batch": "B1"}, "variables": {"status": "final"}}
    response = post(client, auth, body)
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json["errors"]] == ["/correlation_keys/batch"]
    assert waiting(lab, iid)


def test_a_message_matching_several_cases_is_409_naming_them_and_process_key_narrows(client, auth, lab):
    key = business_key("LAB")
    sample = {"sample_no": "S1"}
    results = lab.start("lab_results", variables=sample, group="case_officer", business_key=key)
    rechecks = lab.start("lab_rechecks", variables=sample, group="case_officer", business_key=key)
    body = {"name": "lab_result", "business_key": key, "variables": {"status": "final"}}
    ambiguous = post(client, auth, body)
    assert ambiguous.status_code == 409
    candidates = sorted(c["instance_id"] for c in ambiguous.json["candidates"])
    assert candidates == sorted([results["id"], rechecks["id"]])
    assert waiting(lab, results["id"]) and waiting(lab, rechecks["id"])
    narrowed = post(client, auth, {**body, "process_key": "lab_rechecks"})
    assert narrowed.status_code == 200, narrowed.json
    assert narrowed.json["delivered_to"] == [rechecks["id"]]
    assert waiting(lab, results["id"])


def test_a_payload_outside_the_message_schema_is_422_and_touches_no_case(client, auth, lab):
    iid = lab.start("lab_results", variables={"sample_no": "S1"}, group="case_officer")["id"]
    body = {"name": "lab_result", "correlation_keys": {"sample_no": "S1"}, "variables": {"status": "maybe"}}
    response = post(client, auth, body)
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json["errors"]] == ["/variables/status"]
    assert waiting(lab, iid)
    history = client.get(f"/api/v1/process-instances/{iid}/history", headers=auth.headers("admin")).json
    assert "message_received" not in [e["action"] for e in history]


def test_the_message_schema_stays_with_the_next_version(client, auth, lab):
    changed = data_file("bpmn/lab_results.bpmn")[1].replace(b"Waits for one recheck", b"Waits for a recheck")
    files = multipart([("lab_results.bpmn", changed)])
    response = client.post("/api/v1/deployments", data=files, headers=auth.headers("designer"))
    assert {p["key"]: p["version"] for p in response.json["processes"]}["lab_results"] == 2
    started = lab.start("lab_results", variables={"sample_no": "S9"}, group="case_officer")
    body = {"name": "lab_result", "business_key": started["business_key"], "variables": {"status": 3}}
    assert post(client, auth, body).status_code == 422
    assert waiting(lab, started["id"])


@pytest.mark.parametrize(
    ("process_key", "message", "handle"),
    [("lab_results", "lab_result", "handle_result"), ("message_rounds", "progress_report", "handle_report")],
)
def test_a_later_message_replaces_the_lists_and_objects_of_an_earlier_one(
    client, auth, lab, process_key, message, handle
):
    files = multipart([data_file("bpmn/message_rounds.bpmn")])
    assert client.post("/api/v1/deployments", data=files, headers=auth.headers("designer")).status_code == 201
    started = lab.start(process_key, variables={"sample_no": "S1"}, group="case_officer")
    iid, key = started["id"], started["business_key"]
    first = {"status": "preliminary", "values": [1, 2, 3], "detail": {"a": [1, 2], "b": 1}}
    assert post(client, auth, {"name": message, "business_key": key, "variables": first}).status_code == 200
    lab.complete(iid, handle, "case_officer", {"more": True})
    second = {"status": "final", "values": [4], "detail": {"a": [3]}}
    assert post(client, auth, {"name": message, "business_key": key, "variables": second}).status_code == 200

    variables = lab.instance(iid)["variables"]
    assert (variables["status"], variables["values"], variables["detail"]) == ("final", [4], {"a": [3]})


def test_a_message_schema_deployed_alone_makes_a_new_version(client, auth, lab):
    schema = json.loads((DATA / "forms/lab_results/messages/lab_result.schema.json").read_text())
    schema["properties"]["status"]["enum"].append("withdrawn")
    files = [("lab_results/messages/lab_result.schema.json", json.dumps(schema).encode())]
    response = client.post("/api/v1/deployments", data=multipart(files), headers=auth.headers("designer"))
    assert response.status_code == 201, response.json
    assert {p["key"]: p["version"] for p in response.json["processes"]}["lab_results"] == 2
    started = lab.start("lab_results", variables={"sample_no": "S1"}, group="case_officer")
    body = {
        "name": "lab_result",
        "business_key": started["business_key"],
        "variables": {"status": "withdrawn"},
    }
    assert post(client, auth, body).status_code == 200


def test_a_message_reaching_an_event_that_also_waits_for_a_timer_brings_its_payload(client, auth):
    files = multipart([data_file("bpmn/message_or_timeout.bpmn")])
    assert client.post("/api/v1/deployments", data=files, headers=auth.headers("designer")).status_code == 201
    case = CaseDriver(client, auth)
    started = case.start("message_or_timeout", variables={"answers": ["a", "b"]}, group="case_officer")
    reply = {"answers": ["c"], "replied": True}
    body = {"name": "applicant_reply", "business_key": started["business_key"], "variables": reply}
    assert post(client, auth, body).status_code == 200

    instance = case.instance(started["id"])
    assert [t["bpmn_id"] for t in instance["active_tasks"]] == ["handle_reply"]
    assert (instance["variables"]["answers"], instance["variables"]["replied"]) == (["c"], True)
