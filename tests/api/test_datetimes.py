"""One convention for every date-time the API writes: RFC 3339 in Beijing time (+08:00);
dates and date-times given as input lie between 1970-01-01 and 2199-12-31."""

import re

import pytest

from ..factories import CaseDriver, bpmn_document, data_file, multipart, one_task_process, run_worker
from .portal_support import case_record

LOOKS_LIKE_A_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
CONVENTION = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?\+08:00$")


def moments(document) -> list[str]:
    """Every string in a JSON document that is a date-time, however deep."""
    if isinstance(document, dict):
        return [m for value in document.values() for m in moments(value)]
    if isinstance(document, list):
        return [m for value in document for m in moments(value)]
    return [document] if isinstance(document, str) and LOOKS_LIKE_A_MOMENT.match(document) else []


def assert_convention(documents, at_least: int) -> None:
    found = moments(documents)
    assert len(found) >= at_least
    assert [m for m in found if not CONVENTION.match(m)] == []


@pytest.fixture
def case(client, auth, deployed):
    return CaseDriver(client, auth)


def test_every_date_time_of_a_case_in_the_staff_api_is_in_beijing_time(client, auth, case):
    case.reviewer_pool()
    iid = case.start()["id"]
    case.complete(iid, "accept_application", "clerk", {"decision": "accept"})
    admin = auth.headers("admin")
    instance = case.instance(iid)
    task = case.mine(iid, "confirm_seat", "team_leader", "leader1")
    draw_id = instance["variables"]["review_draw"]["draw_id"]
    documents = [
        instance,
        client.get(f"/api/v1/process-instances/{iid}/history", headers=admin).json,
        client.get(f"/api/v1/tasks/{task['id']}", headers=auth.headers("team_leader", "leader1")).json,
        client.get(f"/api/v1/draws/{draw_id}", headers=admin).json,
        client.get("/api/v1/registries/people", headers=admin).json,
        client.get("/api/v1/registries/assignments", headers=admin).json,
    ]
    assert_convention(documents, at_least=20)
    assert_convention(instance["statutory_started_at"], at_least=1)


def test_the_clock_pauses_and_their_audit_records_are_in_beijing_time(client, auth, case, clock):
    iid = case.start()["id"]
    case.complete(iid, "accept_application", "clerk", {"decision": "accept"})
    clock.advance(days=2)
    cancelled = client.post(
        f"/api/v1/process-instances/{iid}/cancel", json={"reason": "撤销"}, headers=auth.headers("admin")
    )
    assert cancelled.status_code == 200, cancelled.json
    instance = case.instance(iid)
    history = client.get(f"/api/v1/process-instances/{iid}/history", headers=auth.headers("admin")).json
    paused = [e["details"] for e in history if e["action"] in ("clock_paused", "clock_resumed")]
    assert_convention([instance["clock_pauses"], paused], at_least=3)


def test_a_script_error_is_dated_in_beijing_time(client, auth):
    files = multipart([data_file("bpmn/script_error.bpmn")])
    assert client.post("/api/v1/deployments", data=files, headers=auth.headers("designer")).status_code == 201
    case = CaseDriver(client, auth)
    iid = case.start("script_error", variables={"divisor": 0})["id"]
    case.complete(iid, "prepare", "clerk", {})
    error = case.instance(iid)["error"]
    assert CONVENTION.match(error["at"]), error["at"]


def test_moments_scripts_compute_from_a_string_are_in_beijing_time(client, auth):
    process = bpmn_document(
        """
  <bpmn:process id="compute_due" isExecutable="true" camunda:candidateStarterGroups="clerk">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="compute" />
    <bpmn:scriptTask id="compute"><bpmn:script>due = deadline_at('PT24H', received_at)
due_text = due.isoformat()</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="compute" targetRef="look" />
    <bpmn:userTask id="look" camunda:candidateGroups="clerk" />
    <bpmn:sequenceFlow id="f3" sourceRef="look" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>"""
    )
    files = multipart([("compute_due.bpmn", process)])
    assert client.post("/api/v1/deployments", data=files, headers=auth.headers("designer")).status_code == 201
    started = CaseDriver(client, auth).start("compute_due", variables={"received_at": "2026-03-02T01:00:00Z"})
    variables = started["variables"]
    assert (variables["due"], variables["due_text"]) == ("2026-03-03T09:00:00+08:00",) * 2


def test_portal_events_polled_and_delivered_are_in_beijing_time(portal, receiver, app, client, auth):
    case_no = portal.submit()["case_no"]
    instance_id = client.get("/api/v1/tasks", headers=auth.headers("clerk")).json[0]["instance_id"]
    CaseDriver(client, auth).complete(instance_id, "accept_application", "clerk", {"decision": "accept"})
    run_worker(app)
    polled = portal.get("/api/v1/portal/events?after=0").json["events"]
    record = portal.get(f"/api/v1/portal/applications/{case_no}").json
    assert {"received", "accepted", "step_changed"} <= {e["type"] for e in polled}
    assert_convention([polled, receiver.accepted, record], at_least=8)


def test_the_working_day_calculator_answers_in_beijing_time(client, auth):
    response = client.get(
        "/api/v1/calendar/working-days?days=3&start=2026-03-02T01:00:00Z", headers=auth.headers("clerk")
    )
    assert response.status_code == 200
    assert response.json["due_at"] == "2026-03-05T23:59:59.999999+08:00"


@pytest.mark.parametrize(
    "query, pointer",
    [
        ("/api/v1/calendar/working-days?days=3&start=0048-01-01T00:00:00%2B08:00", "/start"),
        ("/api/v1/calendar/working-days?days=3&start=2200-01-01T00:00:00%2B08:00", "/start"),
        ("/api/v1/calendar/working-days?days=3&start=1969-12-31T23:59:59%2B08:00", "/start"),
        ("/api/v1/tasks?due_before=9999-12-31T23:59:59Z", "/due_before"),
    ],
)
def test_date_times_outside_the_supported_range_in_queries_are_422(client, auth, query, pointer):
    response = client.get(query, headers=auth.headers("clerk"))
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json["errors"]] == [pointer]


def test_the_first_and_last_supported_moments_are_accepted(client, auth):
    for start in ("1970-01-01T00:00:00%2B08:00", "2199-12-31T23:59:59%2B08:00"):
        url = f"/api/v1/calendar/working-days?days=0&start={start}"
        assert client.get(url, headers=auth.headers("clerk")).status_code == 200, start


def test_a_portal_received_at_outside_the_range_is_422(portal):
    response = portal.post(
        "/api/v1/portal/applications", case_record(received_at="1900-01-01T08:00:00+08:00")
    )
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json["errors"]] == ["/received_at"]


def test_a_conflict_date_outside_the_range_is_422(client, auth):
    person = client.post(
        "/api/v1/registries/people",
        json={"name": "张评审", "kind": "reviewer"},
        headers=auth.headers("admin"),
    ).json
    conflict = {"credit_code": "91120000AY4CL12THN", "kind": "consulting", "start_date": "1900-01-01"}
    response = client.post(
        f"/api/v1/registries/people/{person['id']}/conflicts", json=conflict, headers=auth.headers("admin")
    )
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json["errors"]] == ["/start_date"]


START_FORM = b"""{"type": "object", "properties": {
  "received_at": {"type": "string", "format": "date-time"},
  "received_on": {"type": "string", "format": "date"}}}"""


@pytest.mark.parametrize(
    "variables, pointer",
    [
        ({"received_at": "0048-01-01T00:00:00+08:00"}, "/variables/received_at"),
        ({"received_at": "2026-03-02T09:00:00"}, "/variables/received_at"),
        ({"received_at": "yesterday"}, "/variables/received_at"),
        ({"received_on": "2300-01-01"}, "/variables/received_on"),
        ({"received_on": "2026-W10-1"}, "/variables/received_on"),
    ],
)
def test_form_dates_and_date_times_must_be_rfc_3339_within_the_range(client, auth, variables, pointer):
    files = multipart([("simple.bpmn", one_task_process()), ("simple/start.schema.json", START_FORM)])
    assert client.post("/api/v1/deployments", data=files, headers=auth.headers("designer")).status_code == 201
    url = "/api/v1/process-definitions/simple/instances"
    response = client.post(url, json={"variables": variables}, headers=auth.headers("clerk"))
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json["errors"]] == [pointer]
    fine = {"received_at": "2026-03-02T09:00:00+08:00", "received_on": "2026-03-02"}
    assert client.post(url, json={"variables": fine}, headers=auth.headers("clerk")).status_code == 201
