"""Case referral (行刑衔接): the bureau head's decision, public security's answers, escalation."""

import pytest

from ..factories import CaseDriver, credit_code, run_worker

MATERIALS = {
    "report_summary": "案件组认为涉嫌生产销售伪劣产品罪",
    "referral_letter": "file://移送书.pdf",
    "investigation_report": "file://调查报告.pdf",
    "seized_items_list": "file://涉案物品清单.pdf",
    "test_reports": ["file://检验报告.pdf"],
}
SENT = {"police_agency": "天津市公安局和平分局", "sent_at": "2026-03-02T15:00:00+08:00"}


@pytest.fixture
def case(client, auth, deployed):
    return CaseDriver(client, auth)


def referral(case, **overrides):
    variables = {
        "suspect": {"name": "天津市某检测技术有限公司", "credit_code": credit_code()},
        "facts": "出具虚假检验报告",
        "officers": ["officer1", "officer2"],
        "evidence": ["file://笔录.pdf"],
        **overrides,
    }
    iid = case.start("case_referral", variables=variables, group="case_officer")["id"]
    case.complete(iid, "prepare_referral", "case_officer", MATERIALS)
    return iid


def sent(case, iid):
    case.complete(iid, "head_decision", "bureau_head", {"head_decision_result": "approve"})
    case.complete(iid, "send_referral", "case_officer", SENT)
    return case.instance(iid)["business_key"]


def answer(client, auth, name, business_key, **variables):
    response = client.post(
        "/api/v1/messages",
        json={"name": name, "business_key": business_key, "variables": variables},
        headers=auth.headers("case_officer"),
    )
    assert response.status_code == 200, response.json


def test_referral_filed_then_seized_items_handed_over(client, auth, case):
    iid = referral(case)
    key = sent(case, iid)
    answer(
        client, auth, "public_security_answer", key, filing_decision="filed", filing_no="津公(和)立字2026-1"
    )
    assert case.active(iid) == ["hand_over_items"]
    case.complete(iid, "hand_over_items", "case_officer", {"handed_over_on": "2026-03-04"})
    instance = case.instance(iid)
    assert (instance["status"], instance["variables"]["outcome"]) == ("completed", "filed")


def test_not_filed_then_reconsideration_upheld_goes_to_the_procuratorate(client, auth, case):
    iid = referral(case)
    key = sent(case, iid)
    answer(client, auth, "public_security_answer", key, filing_decision="not_filed", reasons="证据不足")
    requested = {"request_reconsideration": True, "reconsideration_requested_at": "2026-03-04T10:00:00+08:00"}
    case.complete(iid, "consider_reconsideration", "case_officer", requested)
    answer(client, auth, "reconsideration_answer", key, reconsideration_result="upheld")
    case.complete(
        iid,
        "request_supervision",
        "case_officer",
        {"procuratorate": "和平区人民检察院", "requested_on": "2026-03-09"},
    )
    assert case.instance(iid)["variables"]["outcome"] == "procuratorate_supervision"


def test_not_filed_then_reconsidered_and_filed(client, auth, case):
    iid = referral(case)
    key = sent(case, iid)
    answer(client, auth, "public_security_answer", key, filing_decision="not_filed", reasons="证据不足")
    requested = {"request_reconsideration": True, "reconsideration_requested_at": "2026-03-04T10:00:00+08:00"}
    case.complete(iid, "consider_reconsideration", "case_officer", requested)
    answer(client, auth, "reconsideration_answer", key, reconsideration_result="filed")
    assert case.active(iid) == ["hand_over_items"]


def test_no_reconsideration_closes_the_case(client, auth, case):
    iid = referral(case)
    key = sent(case, iid)
    answer(client, auth, "public_security_answer", key, filing_decision="not_filed")
    case.complete(iid, "consider_reconsideration", "case_officer", {"request_reconsideration": False})
    assert case.instance(iid)["variables"]["outcome"] == "not_filed"


def test_silence_from_public_security_is_escalated_every_three_days(client, auth, case, clock, app):
    iid = referral(case)
    key = sent(case, iid)
    clock.set(clock.now().replace(day=5, hour=1))  # 3 days after 2 March 15:00 is the end of 5 March
    assert run_worker(app) == 0
    clock.set(clock.now().replace(day=6))
    assert run_worker(app) == 1
    clock.set(clock.now().replace(day=10))
    assert run_worker(app) == 1
    notices = client.get("/api/v1/notifications", headers=auth.headers("supervisor")).json
    assert [n["kind"] for n in notices] == ["escalation", "escalation"]
    assert "逾期未作出是否立案的决定" in notices[0]["message"]
    answer(client, auth, "public_security_answer", key, filing_decision="forwarded", forwarded_to="市检察院")
    instance = case.instance(iid)
    assert (instance["status"], instance["variables"]["outcome"]) == ("completed", "forwarded")


def test_head_refusal_records_reasons(client, auth, case):
    iid = referral(case)
    task = case.task(iid, "head_decision", "bureau_head")
    url = f"/api/v1/tasks/{task['id']}/complete"
    bad = client.post(
        url, json={"data": {"head_decision_result": "refuse"}}, headers=auth.headers("bureau_head")
    )
    assert bad.status_code == 422
    assert bad.json["errors"][0]["pointer"] == "/data/head_reason"
    case.complete(
        iid,
        "head_decision",
        "bureau_head",
        {"head_decision_result": "refuse", "head_reason": "尚未达到追诉标准"},
    )
    variables = case.instance(iid)["variables"]
    assert (variables["outcome"], variables["head_reason"]) == ("not_referred", "尚未达到追诉标准")


def test_head_decision_overdue_escalates(case, clock, app):
    iid = referral(case)
    clock.advance(days=4)
    run_worker(app)
    assert case.active(iid) == ["head_decision", "supervise_head"]


def test_a_case_group_needs_two_officers(client, auth, case):
    body = {"variables": {"suspect": {"name": "某公司"}, "facts": "x", "officers": ["officer1"]}}
    response = client.post(
        "/api/v1/process-definitions/case_referral/instances", json=body, headers=auth.headers("case_officer")
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["pointer"] == "/variables/officers"


def test_clues_about_public_officials_go_to_the_supervisory_commission_as_well(case):
    iid = referral(case, public_official_clue=True)
    assert case.active(iid) == ["head_decision", "refer_supervisory_commission"]
    case.complete(
        iid,
        "refer_supervisory_commission",
        "case_officer",
        {"commission": "和平区监委", "sent_on": "2026-03-03"},
    )
    assert case.active(iid) == ["head_decision"]


def test_an_answer_outside_the_message_schema_is_422_and_the_case_still_waits(client, auth, case):
    iid = referral(case)
    key = sent(case, iid)
    body = {"name": "public_security_answer", "business_key": key, "variables": {"filing_decision": "maybe"}}
    response = client.post("/api/v1/messages", json=body, headers=auth.headers("case_officer"))
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json["errors"]] == ["/variables/filing_decision"]
    forwarded = {**body, "variables": {"filing_decision": "forwarded"}}
    response = client.post("/api/v1/messages", json=forwarded, headers=auth.headers("case_officer"))
    assert [e["pointer"] for e in response.json["errors"]] == ["/variables/forwarded_to"]
    assert case.active(iid) == []
    answer(client, auth, "public_security_answer", key, filing_decision="forwarded", forwarded_to="市检察院")
    assert case.instance(iid)["variables"]["outcome"] == "forwarded"
