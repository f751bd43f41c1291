"""JSON bodies are parsed once, strictly: what the parser refuses is a problem, never a 500."""

import json

import pytest

from ..factories import CaseDriver, bpmn_document, multipart, one_task_process
from .portal_support import case_record

START = "/api/v1/process-definitions/simple/instances"
JSON = "application/json"


@pytest.fixture
def simple(client, auth):
    files = multipart([("simple.bpmn", one_task_process())])
    assert client.post("/api/v1/deployments", data=files, headers=auth.headers("designer")).status_code == 201
    return CaseDriver(client, auth)


def _post(client, auth, path, raw: str, group="clerk"):
    return client.post(path, data=raw.encode(), content_type=JSON, headers=auth.headers(group))


def _pointers(response) -> list[str]:
    problem = json.loads(response.data)  # the test client would read it as strictly as requests
    return [e["pointer"] for e in problem.get("errors") or []]


def _listed(client, auth) -> list:
    return client.get("/api/v1/process-instances?process_key=simple", headers=auth.headers("admin")).json


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e400", "-1e400"])
def test_non_finite_numbers_in_start_variables_are_422_and_nothing_starts(client, auth, simple, token):
    response = _post(client, auth, START, '{"variables": {"ok": 1, "amount": ' + token + "}}")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert _pointers(response) == ["/variables/amount"]
    assert _listed(client, auth) == []


def test_non_finite_number_in_task_data_is_422_and_the_task_stays_open(client, auth, simple):
    started = simple.start("simple", variables={})
    task = simple.task(started["id"], "do_it", "clerk")
    response = _post(client, auth, f"/api/v1/tasks/{task['id']}/complete", '{"data": {"score": [1, NaN]}}')
    assert response.status_code == 422
    assert _pointers(response) == ["/data/score/1"]
    assert simple.active(started["id"]) == ["do_it"]


def test_non_finite_number_in_a_message_is_422(client, auth, simple):
    response = _post(client, auth, "/api/v1/messages", '{"name": "m", "variables": {"x": Infinity}}')
    assert response.status_code == 422
    assert _pointers(response) == ["/variables/x"]


def test_non_finite_number_in_a_portal_submission_is_422(portal):
    record = case_record()
    record["item_data"]["weight"] = float("nan")
    response = portal.post("/api/v1/portal/applications", record)
    assert response.status_code == 422
    assert _pointers(response) == ["/item_data/weight"]


def test_nesting_up_to_the_bound_is_accepted_and_deeper_is_422(client, auth, simple):
    within = {"variables": {"v": json.loads("[" * 62 + "]" * 62)}}
    assert client.post(START, json=within, headers=auth.headers("clerk")).status_code == 201
    deeper = {"variables": {"v": json.loads("[" * 63 + "]" * 63)}}
    response = client.post(START, json=deeper, headers=auth.headers("clerk"))
    assert response.status_code == 422
    assert response.json["errors"][0]["detail"] == "nested deeper than 64 levels"


def test_nesting_far_past_the_parser_limit_is_422_not_500(client, auth, simple):
    response = _post(client, auth, START, '{"variables": {"v": ' + "[" * 100_000 + "]" * 100_000 + "}}")
    assert response.status_code == 422
    assert response.json["title"] == "Invalid input"


@pytest.mark.parametrize("number", ["9223372036854775808", "-9223372036854775809", "1" * 5000])
def test_integers_past_64_bits_anywhere_in_a_body_are_422(client, auth, simple, number):
    response = _post(client, auth, START, '{"variables": {"n": ' + number + "}}")
    assert response.status_code == 422
    assert _pointers(response) == ["/variables/n"]
    assert len(response.data) < 2000


@pytest.mark.parametrize(
    "raw, pointer",
    [
        ('{"variables": {"note": "a\\u0000b"}}', "/variables/note"),
        ('{"variables": {"note": "\\ud800"}}', "/variables/note"),
        ('{"variables": {"list": ["ok", "\\udc00x"]}}', "/variables/list/1"),
        ('{"variables": {"k\\u0000": 1}}', "/variables/k\u0000"),
    ],
)
def test_nul_and_unpaired_surrogates_in_any_string_are_422(client, auth, simple, raw, pointer):
    response = _post(client, auth, START, raw)
    assert response.status_code == 422
    assert _pointers(response) == [pointer]
    assert _listed(client, auth) == []


def test_malformed_json_is_a_400_problem_that_does_not_echo_the_body(client, auth, simple):
    response = _post(client, auth, START, '{"variables": {"x": "' + "秘" * 50_000 + '", }')
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert "line 1" in response.json["detail"]
    assert len(response.data) < 1000


def test_a_script_result_that_is_not_a_finite_number_is_shown_as_null(client, auth):
    process = bpmn_document(
        """
  <bpmn:process id="overflow" isExecutable="true" camunda:candidateStarterGroups="clerk">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="compute" />
    <bpmn:scriptTask id="compute"><bpmn:script>big = 1e308 * 10
ratio = big - big</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="compute" targetRef="look" />
    <bpmn:userTask id="look" camunda:candidateGroups="clerk" />
    <bpmn:sequenceFlow id="f3" sourceRef="look" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>"""
    )
    files = multipart([("overflow.bpmn", process)])
    assert client.post("/api/v1/deployments", data=files, headers=auth.headers("designer")).status_code == 201
    case = CaseDriver(client, auth)
    started = case.start("overflow", variables={})
    raw = client.get(f"/api/v1/process-instances/{started['id']}", headers=auth.headers("admin")).data
    variables = json.loads(raw, parse_constant=lambda name: pytest.fail(f"{name} in a response"))["variables"]
    assert (variables["big"], variables["ratio"]) == (None, None)


@pytest.mark.parametrize("value", ["NaN", "1e999", '"\\u0000"', "[" * 70 + "]" * 70])
def test_a_form_file_breaking_the_json_rules_is_refused_at_deployment(client, auth, value):
    form = '{"type": "object", "properties": {"x": {"type": "number", "default": ' + value + "}}}"
    files = multipart([("simple.bpmn", one_task_process()), ("simple/do_it.schema.json", form.encode())])
    response = client.post("/api/v1/deployments", data=files, headers=auth.headers("designer"))
    assert response.status_code == 422
    assert response.json["file"] == "simple/do_it.schema.json"
    assert client.get("/api/v1/process-definitions", headers=auth.headers("designer")).json == []


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_a_non_finite_number_a_script_hands_to_another_case_is_stored_as_null(client, auth, backend):
    parent = bpmn_document(
        """
  <bpmn:process id="handover" isExecutable="true" camunda:candidateStarterGroups="clerk">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="compute" />
    <bpmn:scriptTask id="compute"><bpmn:script>shared = {"ratio": 1e308 * 10}</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="compute" targetRef="hand_over" />
    <bpmn:serviceTask id="hand_over">
      <bpmn:extensionElements>
        <spiffworkflow:serviceTaskOperator id="start_process" resultVariable="child">
          <spiffworkflow:parameters>
            <spiffworkflow:parameter id="process_key" type="str" value="'simple'" />
            <spiffworkflow:parameter id="business_key" type="str" value="None" />
            <spiffworkflow:parameter id="variables" type="any" value="shared" />
          </spiffworkflow:parameters>
        </spiffworkflow:serviceTaskOperator>
      </bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f3" sourceRef="hand_over" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>"""
    )
    files = multipart([("handover.bpmn", parent), ("simple.bpmn", one_task_process())])
    assert client.post("/api/v1/deployments", data=files, headers=auth.headers("designer")).status_code == 201
    started = CaseDriver(client, auth).start("handover", variables={})
    child_id = started["variables"]["child"]["instance_id"]
    response = client.get(f"/api/v1/process-instances/{child_id}/history", headers=auth.headers("admin"))
    assert response.status_code == 200
    assert response.json[0]["details"]["variables"]["ratio"] is None
