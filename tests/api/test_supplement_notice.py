"""The one-time supplement notice (一次性告知补正): a later notice needs a recorded reason."""

import pytest

from ..factories import CaseDriver, run_worker

FIRST = {"decision": "supplement", "missing_items": ["营业执照副本", "授权签字人资格证明"]}
SECOND = {"decision": "supplement", "missing_items": ["授权签字人任职文件"]}
REASON = "补正的资格证明显示授权签字人已变更，需补充其任职文件"


@pytest.fixture
def case(client, auth, deployed):
    return CaseDriver(client, auth)


def supplied(case, iid):
    """The applicant supplies what was asked; the application is back with the clerk."""
    case.complete(iid, "submit_supplements", "applicant", {"materials": [{"name": "营业执照副本"}]})
    assert case.active(iid) == ["accept_application"]


def history(client, auth, iid) -> list[dict]:
    response = client.get(f"/api/v1/process-instances/{iid}/history", headers=auth.headers("supervisor"))
    assert response.status_code == 200, response.json
    return response.json


def complete_acceptance(client, auth, case, iid, data):
    task = case.task(iid, "accept_application", "clerk")
    return client.post(
        f"/api/v1/tasks/{task['id']}/complete", json={"data": data}, headers=auth.headers("clerk")
    )


def test_the_first_notice_needs_no_reason(case):
    iid = case.start()["id"]
    case.complete(iid, "accept_application", "clerk", FIRST)
    assert case.active(iid) == ["submit_supplements"]


def test_a_second_notice_without_a_reason_is_422_and_the_case_is_unchanged(client, auth, case):
    iid = case.start()["id"]
    case.complete(iid, "accept_application", "clerk", FIRST)
    supplied(case, iid)
    before = history(client, auth, iid)
    response = complete_acceptance(client, auth, case, iid, SECOND)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert [e["pointer"] for e in response.json["errors"]] == ["/data/repeat_reason"]
    assert "一次性告知" in response.json["detail"] and "reason" in response.json["detail"]
    assert case.active(iid) == ["accept_application"]
    assert case.task(iid, "accept_application", "clerk")["assignee"] is None
    assert case.instance(iid)["variables"]["supplement_round"] == 1
    assert history(client, auth, iid) == before


def test_a_second_notice_with_a_reason_is_in_the_audit_trail(client, auth, case):
    iid = case.start()["id"]
    case.complete(iid, "accept_application", "clerk", FIRST)
    supplied(case, iid)
    case.complete(iid, "accept_application", "clerk", {**SECOND, "repeat_reason": REASON})
    assert case.active(iid) == ["submit_supplements"]
    events = history(client, auth, iid)
    [repeated] = [e for e in events if e["action"] == "supplement_notice_repeated"]
    assert repeated["details"] == {
        "round": 2,
        "repeat_reason": REASON,
        "missing_items": SECOND["missing_items"],
        "previous_missing_items": FIRST["missing_items"],
    }
    assert repeated["actor"] == "clerk1"
    completed = [e for e in events if e["action"] == "task_completed"]
    assert completed[-1]["details"]["data"]["repeat_reason"] == REASON


def test_every_later_notice_needs_its_own_reason(client, auth, case):
    iid = case.start()["id"]
    case.complete(iid, "accept_application", "clerk", FIRST)
    supplied(case, iid)
    case.complete(iid, "accept_application", "clerk", {**SECOND, "repeat_reason": REASON})
    supplied(case, iid)
    third = {"decision": "supplement", "missing_items": ["人员档案"]}
    response = complete_acceptance(client, auth, case, iid, third)
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json["errors"]] == ["/data/repeat_reason"]


def test_accepting_after_supplements_needs_no_reason(case):
    iid = case.start()["id"]
    case.complete(iid, "accept_application", "clerk", FIRST)
    supplied(case, iid)
    case.complete(iid, "accept_application", "clerk", {"decision": "refuse", "reason": "材料不实"})
    assert case.instance(iid)["variables"]["outcome"] == "not_accepted"


def test_the_portal_is_told_the_full_new_list(portal, receiver, client, auth, case, app):
    case_no = portal.submit()["case_no"]
    found = client.get(f"/api/v1/process-instances?business_key={case_no}", headers=auth.headers("admin"))
    iid = found.json[0]["id"]
    case.complete(iid, "accept_application", "clerk", FIRST)
    supplied_by_portal = portal.post(
        f"/api/v1/portal/applications/{case_no}/supplements", {"materials": [{"name": "营业执照副本"}]}
    )
    assert supplied_by_portal.status_code == 200, supplied_by_portal.json
    case.complete(iid, "accept_application", "clerk", {**SECOND, "repeat_reason": REASON})
    run_worker(app)
    notices = [e["payload"] for e in receiver.accepted if e["type"] == "supplements_requested"]
    assert notices == [{"missing_items": FIRST["missing_items"]}, {"missing_items": SECOND["missing_items"]}]
    shown = portal.get(f"/api/v1/portal/applications/{case_no}").json
    assert shown["status"] == "supplement_required"
