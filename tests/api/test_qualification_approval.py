"""The qualification approval flow (检验检测机构资质认定), end to end through HTTP."""

import re

import pytest

from ..factories import CaseDriver, application

pytestmark = pytest.mark.usefixtures("deployed")


@pytest.fixture
def case(client, auth):
    driver = CaseDriver(client, auth)
    driver.reviewer_pool()
    return driver


def review(case, iid, conclusion="conforms", findings=None):
    """The review team works, then the review centre confirms the team's conclusion."""
    case.team_review(iid, conclusion, findings)
    data = {"conclusion": conclusion, **({"findings": findings} if findings else {})}
    case.complete(iid, "technical_review", "review_center", data)


def test_normal_procedure_grant_issues_certificate(case):
    started = case.start()
    iid = started["id"]
    assert case.active(iid) == ["accept_application"]
    case.complete(iid, "accept_application", "clerk", {"decision": "accept"})
    review(case, iid)
    case.complete(iid, "decide", "approver", {"decision": "grant"})
    assert case.active(iid) == ["issue_certificate"]
    result = case.complete(iid, "issue_certificate", "clerk", {"delivery": "electronic"})
    assert result["instance"]["status"] == "completed"
    variables = case.instance(iid)["variables"]
    assert variables["outcome"] == "granted"
    assert re.fullmatch(r"202612\d{6}", variables["certificate_no"])
    assert variables["certificate_status"] == "valid"
    assert variables["certificate_valid_until"] == "2032-03-01"


def test_certificate_numbers_are_unique_and_sequential(case):
    numbers = []
    for _ in range(2):
        iid = case.start()["id"]
        case.complete(iid, "accept_application", "clerk", {"decision": "accept"})
        review(case, iid)
        case.complete(iid, "decide", "approver", {"decision": "grant"})
        case.complete(iid, "issue_certificate", "clerk", {"delivery": "counter"})
        numbers.append(case.instance(iid)["variables"]["certificate_no"])
    assert numbers == ["202612000001", "202612000002"]


def test_refusal_at_intake_ends_the_case(case):
    iid = case.start()["id"]
    case.complete(
        iid, "accept_application", "clerk", {"decision": "refuse", "reason": "不属于本机关职权范围"}
    )
    instance = case.instance(iid)
    assert instance["status"] == "completed"
    assert instance["variables"]["outcome"] == "not_accepted"
    assert instance["active_tasks"] == []


def test_two_supplement_rounds_return_to_the_clerk(case):
    iid = case.start()["id"]
    notices = [{}, {"repeat_reason": "补正材料显示授权签字人已变更"}]
    for round_no, missing in enumerate([["营业执照副本"], ["授权签字人资格证明"]], start=1):
        notice = {"decision": "supplement", "missing_items": missing, **notices[round_no - 1]}
        case.complete(iid, "accept_application", "clerk", notice)
        assert case.active(iid) == ["submit_supplements"]
        supplement_task = case.task(iid, "submit_supplements", "applicant")
        assert supplement_task["candidate_groups"] == ["applicant"]
        case.complete(iid, "submit_supplements", "applicant", {"materials": [{"name": missing[0]}]})
        assert case.active(iid) == ["accept_application"]
        assert case.instance(iid)["variables"]["supplement_round"] == round_no
    case.complete(iid, "accept_application", "clerk", {"decision": "accept"})
    assert case.active(iid) == ["confirm_seat", "confirm_seat"]


def test_rectification_then_grant(case):
    iid = case.start()["id"]
    case.complete(iid, "accept_application", "clerk", {"decision": "accept"})
    review(case, iid, "basically_conforms", "2 项不符合")
    assert case.active(iid) == ["rectify"]
    case.complete(iid, "rectify", "applicant", {"report": "已完成整改", "materials": [{"name": "整改报告"}]})
    case.complete(iid, "verify_rectification", "review_center", {"effective": True})
    assert case.active(iid) == ["decide"]
    case.complete(iid, "decide", "approver", {"decision": "grant"})
    case.complete(iid, "issue_certificate", "clerk", {"delivery": "mail"})
    assert case.instance(iid)["variables"]["outcome"] == "granted"


def test_not_conforms_then_refusal(case):
    iid = case.start()["id"]
    case.complete(iid, "accept_application", "clerk", {"decision": "accept"})
    review(case, iid, "not_conforms", "能力不足")
    case.complete(iid, "decide", "approver", {"decision": "refuse", "reason": "技术评审结论为不符合"})
    variables = case.instance(iid)["variables"]
    assert variables["outcome"] == "refused"
    assert "certificate_no" not in variables


def _commitment_granted(case):
    iid = case.start(variables=application(procedure="commitment"))["id"]
    case.complete(iid, "accept_application", "clerk", {"decision": "accept"})
    assert case.active(iid) == ["decide"], "the commitment procedure decides without technical review"
    case.complete(iid, "decide", "approver", {"decision": "grant"})
    case.complete(iid, "issue_certificate", "clerk", {"delivery": "electronic"})
    assert case.active(iid) == ["verify_commitment"]
    assert case.instance(iid)["variables"]["certificate_status"] == "valid"
    return iid


def test_commitment_verified_true_keeps_the_certificate(case):
    iid = _commitment_granted(case)
    case.complete(iid, "verify_commitment", "review_center", {"result": "true"})
    instance = case.instance(iid)
    assert instance["status"] == "completed"
    assert instance["variables"]["certificate_status"] == "valid"


def test_commitment_basically_true_requires_rectification(case):
    iid = _commitment_granted(case)
    case.complete(
        iid, "verify_commitment", "review_center", {"result": "basically_true", "findings": "部分不实"}
    )
    case.complete(iid, "rectify", "applicant", {"report": "已整改"})
    case.complete(iid, "verify_rectification", "review_center", {"effective": True})
    instance = case.instance(iid)
    assert instance["status"] == "completed"
    assert instance["variables"]["certificate_status"] == "valid"


def test_commitment_rectification_ineffective_revokes(case):
    iid = _commitment_granted(case)
    case.complete(
        iid, "verify_commitment", "review_center", {"result": "basically_true", "findings": "部分不实"}
    )
    case.complete(iid, "rectify", "applicant", {"report": "未完成"})
    case.complete(iid, "verify_rectification", "review_center", {"effective": False})
    assert case.instance(iid)["variables"]["certificate_status"] == "revoked"


def test_commitment_untrue_revokes_with_three_year_ban(case):
    iid = _commitment_granted(case)
    case.complete(iid, "verify_commitment", "review_center", {"result": "untrue", "findings": "承诺严重不实"})
    variables = case.instance(iid)["variables"]
    assert variables["certificate_status"] == "revoked"
    assert variables["outcome"] == "revoked"
    assert variables["ban"]["banned_until"] == "2029-03-02" and variables["ban"]["kind"] == "ban"


def test_clerk_cannot_complete_the_approvers_task(case, client, auth):
    iid = case.start()["id"]
    case.complete(iid, "accept_application", "clerk", {"decision": "accept"})
    review(case, iid)
    task = case.task(iid, "decide", "approver")
    response = client.post(
        f"/api/v1/tasks/{task['id']}/complete",
        json={"data": {"decision": "grant"}},
        headers=auth.headers("clerk"),
    )
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert case.active(iid) == ["decide"]


@pytest.mark.parametrize(
    ("data", "pointer"),
    [
        ({"decision": "supplement"}, "/data/missing_items"),
        ({"decision": "refuse"}, "/data/reason"),
        ({"decision": "maybe"}, "/data/decision"),
        ({}, "/data/decision"),
        ({"decision": "accept", "surprise": 1}, "/data"),
    ],
)
def test_invalid_form_data_is_422_naming_the_field(case, client, auth, data, pointer):
    iid = case.start()["id"]
    task = case.task(iid, "accept_application", "clerk")
    response = client.post(
        f"/api/v1/tasks/{task['id']}/complete", json={"data": data}, headers=auth.headers("clerk")
    )
    assert response.status_code == 422
    assert pointer in [e["pointer"] for e in response.json["errors"]]
    assert case.active(iid) == ["accept_application"]
    assert case.task(iid, "accept_application", "clerk")["assignee"] is None


def test_invalid_start_variables_are_422_naming_the_field(client, auth):
    variables = application()
    variables["applicant"]["credit_code"] = "91120000ABCDEFGHJ0"
    response = client.post(
        "/api/v1/process-definitions/qualification_approval/instances",
        json={"business_key": "B-1", "variables": variables},
        headers=auth.headers("clerk"),
    )
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json["errors"]] == ["/variables/applicant/credit_code"]
