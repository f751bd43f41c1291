"""Applicant actions through a portal: withdrawal (撤回) and the service rating (好差评)."""

import pytest

from ..factories import CaseDriver, run_worker
from .portal_support import case_record

APPLICATIONS = "/api/v1/portal/applications"


@pytest.fixture
def case(client, auth):
    driver = CaseDriver(client, auth)
    driver.reviewer_pool()
    return driver


def instance_id(client, auth, case_no: str) -> str:
    found = client.get(f"/api/v1/process-instances?business_key={case_no}", headers=auth.headers("admin"))
    return found.json[0]["id"]


def decided_case(portal, case, client, auth) -> str:
    case_no = portal.submit()["case_no"]
    iid = instance_id(client, auth, case_no)
    case.complete(iid, "accept_application", "clerk", {"decision": "accept"})
    case.team_review(iid)
    case.complete(iid, "technical_review", "review_center", {"conclusion": "conforms"})
    case.complete(iid, "decide", "approver", {"decision": "grant"})
    return case_no


def test_withdrawal_ends_the_case_and_is_reported(portal, receiver, app, client, auth, case):
    case_no = portal.submit()["case_no"]
    iid = instance_id(client, auth, case_no)
    case.complete(iid, "accept_application", "clerk", {"decision": "accept"})
    withdrawn = portal.post(f"{APPLICATIONS}/{case_no}/withdrawal", {"note": "暂不申请"})
    assert withdrawn.status_code == 200, withdrawn.json
    assert (withdrawn.json["status"], withdrawn.json["completed"], withdrawn.json["notice"]) == (
        "withdrawn",
        True,
        None,
    )
    assert withdrawn.json["withdrawn_at"]
    assert case.instance(iid)["status"] == "cancelled"
    assert case.active(iid) == []
    history = client.get(f"/api/v1/process-instances/{iid}/history", headers=auth.headers("admin")).json
    cancelled = [e for e in history if e["action"] == "instance_cancelled"]
    assert cancelled[0]["details"]["reason"] == "withdrawn"
    run_worker(app)
    assert [e["type"] for e in receiver.accepted][-2:] == ["withdrawn", "deadline_resumed"]
    payload = receiver.accepted[-2]["payload"]
    assert (payload["procedure"], payload["must_use_normal_procedure"], payload["note"]) == (
        "normal",
        False,
        "暂不申请",
    )


def test_withdrawing_a_commitment_application_requires_the_normal_procedure(portal, receiver, app):
    case_no = portal.submit(case_record(procedure="commitment"))["case_no"]
    withdrawn = portal.post(f"{APPLICATIONS}/{case_no}/withdrawal", {})
    assert withdrawn.status_code == 200
    assert "一般程序" in withdrawn.json["notice"]
    run_worker(app)
    payload = receiver.accepted[-1]["payload"]
    assert payload["must_use_normal_procedure"] is True and "一般程序" in payload["notice"]


def test_withdrawal_after_the_decision_is_409(portal, case, client, auth):
    case_no = decided_case(portal, case, client, auth)
    response = portal.post(f"{APPLICATIONS}/{case_no}/withdrawal", {})
    assert response.status_code == 409
    assert "decision" in response.json["detail"]


def test_a_portal_cannot_withdraw_another_portals_case(portal, other_portal):
    case_no = portal.submit()["case_no"]
    assert other_portal.post(f"{APPLICATIONS}/{case_no}/withdrawal", {}).status_code == 404


def test_rating_is_recorded_once_after_completion(portal, receiver, app, case, client, auth):
    case_no = decided_case(portal, case, client, auth)
    rating = f"{APPLICATIONS}/{case_no}/rating"
    assert portal.post(rating, {"level": 5}).status_code == 409
    case.complete(instance_id(client, auth, case_no), "issue_certificate", "clerk", {"delivery": "mail"})
    rated = portal.post(rating, {"level": 4, "comment": "办理及时"})
    assert rated.status_code == 200, rated.json
    assert (rated.json["rating"]["level"], rated.json["rating"]["comment"]) == (4, "办理及时")
    assert portal.post(rating, {"level": 5}).status_code == 409
    run_worker(app)
    assert receiver.accepted[-1]["type"] == "rated"
    assert receiver.accepted[-1]["payload"] == {"level": 4, "comment": "办理及时"}


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"level": 2}, "/comment"),
        ({"level": 1, "comment": "  "}, "/comment"),
        ({"level": 6}, "/level"),
        ({"level": 0, "comment": "差"}, "/level"),
    ],
)
def test_rating_validation_names_the_field(portal, body, pointer):
    case_no = portal.submit()["case_no"]
    portal.post(f"{APPLICATIONS}/{case_no}/withdrawal", {})
    response = portal.post(f"{APPLICATIONS}/{case_no}/rating", body)
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json["errors"]] == [pointer]


def test_a_low_rating_with_a_comment_is_accepted_after_withdrawal(portal):
    case_no = portal.submit()["case_no"]
    portal.post(f"{APPLICATIONS}/{case_no}/withdrawal", {})
    rated = portal.post(f"{APPLICATIONS}/{case_no}/rating", {"level": 2, "comment": "等待时间长"})
    assert rated.status_code == 200
    assert rated.json["rating"]["level"] == 2
