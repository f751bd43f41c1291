"""A qualification approval from a portal submission to the certificate, every event delivered."""

from datetime import datetime

import pytest

from ..factories import CaseDriver, run_worker

MATERIAL = {"name": "检验能力证明", "file_ref": "oss://portal/b2.pdf", "sha256": "ab" * 32}


@pytest.fixture
def case(client, auth):
    driver = CaseDriver(client, auth)
    driver.reviewer_pool()
    return driver


def instance_id(client, auth, case_no: str) -> str:
    found = client.get(f"/api/v1/process-instances?business_key={case_no}", headers=auth.headers("admin"))
    return found.json[0]["id"]


def moment(value: str | None):
    return datetime.fromisoformat(value) if value else None


def walk_to_certificate(portal, case, app, iid: str, case_no: str) -> None:
    case.complete(
        iid, "accept_application", "clerk", {"decision": "supplement", "missing_items": ["检验能力证明"]}
    )
    run_worker(app)
    supplied = portal.post(f"/api/v1/portal/applications/{case_no}/supplements", {"materials": [MATERIAL]})
    assert supplied.status_code == 200, supplied.json
    run_worker(app)
    case.complete(iid, "accept_application", "clerk", {"decision": "accept"})
    case.team_review(iid)
    case.complete(iid, "technical_review", "review_center", {"conclusion": "conforms"})
    run_worker(app)
    case.complete(iid, "decide", "approver", {"decision": "grant"})
    case.complete(iid, "issue_certificate", "clerk", {"delivery": "electronic"})
    run_worker(app)


def test_full_approval_delivers_every_event_once_and_in_order(portal, receiver, client, auth, case, app):
    case_no = portal.submit()["case_no"]
    iid = instance_id(client, auth, case_no)
    walk_to_certificate(portal, case, app, iid, case_no)

    events = receiver.accepted
    assert all(r["signed"] for r in receiver.requests)
    assert [e["sequence"] for e in events] == list(range(1, len(events) + 1))
    assert len({e["event_id"] for e in events}) == len(events)
    types = [e["type"] for e in events]
    assert types == [
        "received",
        "step_changed",
        "supplements_requested",
        "step_changed",  # no clock before acceptance
        "step_changed",
        "accepted",
        "step_changed",
        "step_changed",
        "deadline_paused",  # the team is asked; review time is not counted
        "step_changed",
        "step_changed",
        "step_changed",
        "step_changed",
        "step_changed",
        "deadline_resumed",
        "decided",
        "step_changed",
        "certificate_issued",
        "completed",
    ]
    by_type = {e["type"]: e["payload"] for e in events}
    assert by_type["supplements_requested"] == {"missing_items": ["检验能力证明"]}
    assert by_type["accepted"]["promised_limit"] == "20WD"
    assert by_type["decided"]["decision"] == "grant"
    assert by_type["decided"]["decision_no"] == "津市监资认〔2026〕1号"
    certificate = by_type["certificate_issued"]
    assert certificate["certificate_no"].startswith("202612") and certificate["valid_until"] == "2032-03-01"
    assert by_type["completed"] == {"outcome": "granted"}


def test_every_step_changed_event_carries_the_due_date_of_its_step(portal, receiver, client, auth, case, app):
    case_no = portal.submit()["case_no"]
    walk_to_certificate(portal, case, app, instance_id(client, auth, case_no), case_no)
    history = portal.get(f"/api/v1/portal/applications/{case_no}").json["history"]
    steps = [e["payload"] for e in receiver.accepted if e["type"] == "step_changed"]
    assert [s["element_id"] for s in steps] == [s["element_id"] for s in history]
    for event, step in zip(steps, history, strict=True):
        assert moment(event["due_at"]) == moment(step["due_at"]), step["element_id"]
    timed = {s["element_id"] for s in steps if s["due_at"]}
    assert timed == {
        "accept_application",
        "confirm_seat",
        "document_review",
        "technical_review",
        "decide",
        "issue_certificate",
    }


def test_case_look_up_shows_steps_history_and_result(portal, client, auth, case, app):
    case_no = portal.submit()["case_no"]
    iid = instance_id(client, auth, case_no)
    walk_to_certificate(portal, case, app, iid, case_no)
    shown = portal.get(f"/api/v1/portal/applications/{case_no}").json
    assert (shown["status"], shown["completed"], shown["current_steps"]) == ("granted", True, [])
    assert shown["accepted_at"] and shown["promised_limit"] == "20WD" and shown["statutory_due_at"]
    steps = [(s["element_id"], s["groups"], s["state"]) for s in shown["history"]]
    assert steps == [
        ("accept_application", ["clerk"], "completed"),
        ("submit_supplements", ["applicant"], "completed"),
        ("accept_application", ["clerk"], "completed"),
        ("confirm_seat", ["reviewer"], "completed"),
        ("confirm_seat", ["reviewer"], "completed"),
        ("document_review", ["team_leader"], "completed"),
        ("on_site_review", ["team_leader"], "completed"),
        ("team_conclusion", ["team_leader"], "completed"),
        ("technical_review", ["review_center"], "completed"),
        ("decide", ["approver"], "completed"),
        ("issue_certificate", ["clerk"], "completed"),
    ]
    result = shown["result"]
    assert (result["outcome"], result["decision"], result["decision_no"]) == (
        "granted",
        "grant",
        "津市监资认〔2026〕1号",
    )
    assert result["certificate_no"].startswith("202612") and result["certificate_valid_until"] == "2032-03-01"


def test_status_follows_the_case(portal, client, auth, case):
    case_no = portal.submit()["case_no"]
    iid = instance_id(client, auth, case_no)

    def status():
        return portal.get(f"/api/v1/portal/applications/{case_no}").json["status"]

    assert status() == "received"
    case.complete(iid, "accept_application", "clerk", {"decision": "supplement", "missing_items": ["章程"]})
    assert status() == "supplement_required"
    before_acceptance = portal.get(f"/api/v1/portal/applications/{case_no}").json
    assert (before_acceptance["clock_paused"], before_acceptance["statutory_due_at"]) == (False, None)
    portal.post(f"/api/v1/portal/applications/{case_no}/supplements", {"materials": [MATERIAL]})
    case.complete(iid, "accept_application", "clerk", {"decision": "accept"})
    assert status() == "in_review"
    case.team_review(iid, "basically_conforms", "x")
    case.complete(
        iid, "technical_review", "review_center", {"conclusion": "basically_conforms", "findings": "x"}
    )
    assert status() == "rectification_required"
    rectified = portal.post(f"/api/v1/portal/applications/{case_no}/rectification", {"report": "已整改"})
    assert rectified.status_code == 200 and rectified.json["status"] == "in_review"
    case.complete(iid, "verify_rectification", "review_center", {"effective": True})
    case.complete(iid, "decide", "approver", {"decision": "refuse", "reason": "能力不足"})
    assert status() == "refused"


def test_refusal_to_accept_is_reported_with_its_reason(portal, receiver, client, auth, case, app):
    case_no = portal.submit()["case_no"]
    case.complete(
        instance_id(client, auth, case_no),
        "accept_application",
        "clerk",
        {"decision": "refuse", "reason": "不属于本机关职权范围"},
    )
    run_worker(app)
    assert [e["type"] for e in receiver.accepted][-2:] == ["not_accepted", "completed"]
    assert receiver.accepted[-2]["payload"] == {"reason": "不属于本机关职权范围"}
    shown = portal.get(f"/api/v1/portal/applications/{case_no}").json
    assert shown["status"] == "not_accepted"
    assert shown["result"]["reason"] == "不属于本机关职权范围"


def test_supplements_are_checked_against_the_form(portal, client, auth, case):
    case_no = portal.submit()["case_no"]
    case.complete(
        instance_id(client, auth, case_no),
        "accept_application",
        "clerk",
        {"decision": "supplement", "missing_items": ["章程"]},
    )
    bad = portal.post(
        f"/api/v1/portal/applications/{case_no}/supplements",
        {"materials": [{"name": "章程", "sha256": "not-hex"}]},
    )
    assert bad.status_code == 422
    assert [e["pointer"] for e in bad.json["errors"]] == ["/materials/0/sha256"]


def test_supplements_when_none_are_requested_get_409(portal):
    case_no = portal.submit()["case_no"]
    response = portal.post(f"/api/v1/portal/applications/{case_no}/supplements", {"materials": [MATERIAL]})
    assert response.status_code == 409
    assert "no supplements" in response.json["detail"]
