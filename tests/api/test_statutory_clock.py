"""When the statutory clock starts: acceptance (受理) starts the licence's limit, receipt the 5WD."""

from datetime import datetime

import pytest

from workflows.clock import BUREAU_TZ

from ..factories import CaseDriver, application, bpmn_document, multipart, run_worker
from .portal_support import case_record


def at(*args):
    return datetime(*args, tzinfo=BUREAU_TZ)


def end_of(*args):
    return datetime(*args, 23, 59, 59, 999999, tzinfo=BUREAU_TZ)


def moment(value: str | None):
    return datetime.fromisoformat(value) if value else None


@pytest.fixture
def case(client, auth):
    return CaseDriver(client, auth)


@pytest.mark.usefixtures("deployed")
def test_the_statutory_clock_starts_at_acceptance_not_at_registration(case, clock):
    started = case.start()
    assert (started["statutory_started_at"], started["statutory_due_at"]) == (None, None)
    clock.set(at(2026, 3, 5, 10))
    case.complete(started["id"], "accept_application", "clerk", {"decision": "accept"})
    accepted = case.instance(started["id"])
    assert moment(accepted["statutory_started_at"]) == at(2026, 3, 5, 10)
    # 20WD after Thursday 5 March: 6, 9-13, 16-20, 23-27, 30, 31 March, 1, 2 April
    assert moment(accepted["statutory_due_at"]) == end_of(2026, 4, 2)
    assert accepted["variables"]["accepted_at"] == at(2026, 3, 5, 10).isoformat()


def test_a_portal_application_is_due_for_acceptance_5wd_after_receipt_and_20wd_after_acceptance(
    portal, receiver, case, clock, app
):
    # received on Friday 27 February, submitted to the bureau on Monday 2 March at 9:00
    case_no = portal.submit(case_record(received_at="2026-02-27T17:00:00+08:00"))["case_no"]
    received = portal.get(f"/api/v1/portal/applications/{case_no}").json
    assert (received["promised_limit"], received["statutory_due_at"]) == ("20WD", None)
    # 5WD after Friday 27 February: Saturday 28 (a make-up working day), 2, 3, 4, 5 March
    [acceptance] = received["current_steps"]
    assert moment(acceptance["due_at"]) == end_of(2026, 3, 5)
    clock.set(at(2026, 3, 4, 10))
    found = case.client.get(
        f"/api/v1/process-instances?business_key={case_no}", headers=case.auth.headers("admin")
    )
    case.complete(found.json[0]["id"], "accept_application", "clerk", {"decision": "accept"})
    run_worker(app)
    [accepted] = [e["payload"] for e in receiver.accepted if e["type"] == "accepted"]
    assert moment(accepted["accepted_at"]) == at(2026, 3, 4, 10)
    # 20WD after Wednesday 4 March end on Wednesday 1 April
    assert moment(accepted["statutory_due_at"]) == end_of(2026, 4, 1)
    shown = portal.get(f"/api/v1/portal/applications/{case_no}").json
    assert moment(shown["statutory_due_at"]) == end_of(2026, 4, 1)


@pytest.mark.usefixtures("deployed")
def test_supplements_before_acceptance_pause_nothing_and_restart_the_5wd(case, clock):
    iid = case.start()["id"]
    clock.set(at(2026, 3, 3, 10))
    case.complete(iid, "accept_application", "clerk", {"decision": "supplement", "missing_items": ["章程"]})
    clock.set(at(2026, 3, 10, 10))
    case.complete(iid, "submit_supplements", "applicant", {"materials": [{"name": "章程"}]})
    waiting = case.instance(iid)
    assert (waiting["clock_pauses"], waiting["statutory_due_at"]) == ([], None)
    # the new 5WD run from the receipt of the supplements (Tuesday 10 March)
    assert moment(case.task(iid, "accept_application", "clerk")["due_at"]) == end_of(2026, 3, 17)
    clock.set(at(2026, 3, 11, 9))
    case.complete(iid, "accept_application", "clerk", {"decision": "accept"})
    assert moment(case.instance(iid)["statutory_due_at"]) == end_of(2026, 4, 9)


@pytest.mark.usefixtures("deployed")
def test_a_clerk_may_register_an_application_received_earlier(case):
    started = case.start(variables=application(received_at="2026-02-27T17:00:00+08:00"))
    assert moment(started["active_tasks"][0]["due_at"]) == end_of(2026, 3, 5)
    assert started["variables"]["received_at"] == "2026-02-27T17:00:00+08:00"


@pytest.mark.usefixtures("deployed")
def test_a_staff_start_is_received_when_it_starts(case):
    started = case.start()
    assert moment(started["variables"]["received_at"]) == at(2026, 3, 2, 9)
    assert moment(started["active_tasks"][0]["due_at"]) == end_of(2026, 3, 9)


@pytest.mark.usefixtures("deployed")
@pytest.mark.parametrize("received_at", ["yesterday", "2026-03-03T09:00:00+08:00", 20260302])
def test_a_receipt_moment_that_is_no_past_date_time_is_422(client, auth, received_at):
    body = {"business_key": "TJ-R-1", "variables": application(received_at=received_at)}
    response = client.post(
        "/api/v1/process-definitions/qualification_approval/instances",
        json=body,
        headers=auth.headers("clerk"),
    )
    assert response.status_code == 422, response.json
    assert [e["pointer"] for e in response.json["errors"]] == ["/variables/received_at"]


def clocked_process(properties: str) -> bytes:
    return bpmn_document(
        f"""
  <bpmn:process id="clocked" isExecutable="true" camunda:candidateStarterGroups="clerk">
    <bpmn:extensionElements><spiffworkflow:properties>{properties}</spiffworkflow:properties>
    </bpmn:extensionElements>
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="register" />
    <bpmn:userTask id="register" camunda:candidateGroups="clerk" />
    <bpmn:sequenceFlow id="f2" sourceRef="register" targetRef="accept" />
    <bpmn:userTask id="accept" camunda:candidateGroups="clerk" />
    <bpmn:sequenceFlow id="f3" sourceRef="accept" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>"""
    )


def deploy(client, auth, content: bytes):
    return client.post(
        "/api/v1/deployments", data=multipart([("clocked.bpmn", content)]), headers=auth.headers("designer")
    )


def test_the_clock_start_is_any_element_the_designer_names(client, auth, case, clock):
    limit = '<spiffworkflow:property name="statutoryLimit" value="2WD" />'
    start = '<spiffworkflow:property name="statutoryClockStart" value="register" />'
    assert deploy(client, auth, clocked_process(limit + start)).status_code == 201
    iid = case.start("clocked", variables={})["id"]
    assert case.instance(iid)["statutory_due_at"] is None
    clock.set(at(2026, 3, 4, 9))
    case.complete(iid, "register", "clerk", {})
    assert moment(case.instance(iid)["statutory_due_at"]) == end_of(2026, 3, 6)


def test_without_a_clock_start_the_limit_runs_from_the_start_of_the_case(client, auth, case):
    limit = '<spiffworkflow:property name="statutoryLimit" value="2WD" />'
    assert deploy(client, auth, clocked_process(limit)).status_code == 201
    started = case.start("clocked", variables={})
    assert moment(started["statutory_due_at"]) == end_of(2026, 3, 4)


@pytest.mark.parametrize(
    ("properties", "detail"),
    [
        (
            '<spiffworkflow:property name="statutoryLimit" value="2WD" />'
            '<spiffworkflow:property name="statutoryClockStart" value="f2" />',
            "'f2' is not a task or event",
        ),
        ('<spiffworkflow:property name="statutoryClockStart" value="accept" />', "without a statutoryLimit"),
    ],
)
def test_a_clock_start_that_names_no_element_of_the_process_is_refused(client, auth, properties, detail):
    response = deploy(client, auth, clocked_process(properties))
    assert response.status_code == 422
    assert response.json["element"] == "clocked"
    assert detail in response.json["detail"]
