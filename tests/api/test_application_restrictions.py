"""Bans after fraud and the normal-procedure rule after a withdrawn commitment, enforced at start."""

import pytest

from ..factories import CaseDriver, application, bpmn_document, business_key, credit_code, multipart
from .portal_support import case_record

START = "/api/v1/process-definitions/qualification_approval/instances"
APPLICATIONS = "/api/v1/portal/applications"
RESTRICTIONS = "/api/v1/registries/restrictions"


@pytest.fixture
def case(client, auth, deployed):
    driver = CaseDriver(client, auth)
    driver.reviewer_pool()
    return driver


def applying(code: str, procedure: str = "normal") -> dict:
    return application(procedure, applicant={"name": "天津市某检测技术有限公司", "credit_code": code})


def clerk_start(client, auth, code: str, procedure: str = "normal"):
    body = {"business_key": business_key("TJ"), "variables": applying(code, procedure)}
    return client.post(START, json=body, headers=auth.headers("clerk"))


def portal_record(code: str, procedure: str = "normal") -> dict:
    applicant = {"name": "天津市某检测技术有限公司", "id_type": "uscc", "id_number": code}
    return case_record(procedure, applicant=applicant)


def revoked(case, code: str) -> str:
    """A commitment-procedure grant whose on-site verification found the commitment untrue."""
    iid = case.start(variables=applying(code, "commitment"))["id"]
    case.complete(iid, "accept_application", "clerk", {"decision": "accept"})
    case.complete(iid, "decide", "approver", {"decision": "grant"})
    case.complete(iid, "issue_certificate", "clerk", {"delivery": "electronic"})
    case.complete(iid, "verify_commitment", "review_center", {"result": "untrue", "findings": "承诺严重不实"})
    return iid


def refused(case, code: str, **decision) -> str:
    iid = case.start(variables=applying(code))["id"]
    case.complete(iid, "accept_application", "clerk", {"decision": "accept"})
    case.team_review(iid)
    case.complete(iid, "technical_review", "review_center", {"conclusion": "conforms"})
    case.complete(iid, "decide", "approver", {"decision": "refuse", "reason": "检测报告系伪造", **decision})
    return iid


def assert_banned(response, until: str) -> None:
    assert response.status_code == 409, response.json
    assert response.mimetype == "application/problem+json"
    assert response.json["banned_until"] == until
    assert until in response.json["detail"] and "不得再次申请" in response.json["detail"]


def test_a_revoked_institution_is_refused_at_the_clerks_start_until_its_three_year_ban_ends(
    client, auth, case, clock
):
    code = credit_code()
    iid = revoked(case, code)
    assert case.instance(iid)["variables"]["ban"]["banned_until"] == "2029-03-02"
    assert_banned(clerk_start(client, auth, code), "2029-03-02")
    clock.advance(days=365 * 3)
    assert_banned(clerk_start(client, auth, code), "2029-03-02")
    clock.advance(days=2)
    assert clerk_start(client, auth, code).status_code == 201


def test_the_portal_gets_the_same_refusal_for_a_banned_institution(client, auth, case, portal):
    code = credit_code()
    revoked(case, code)
    response = portal.post(APPLICATIONS, portal_record(code))
    assert_banned(response, "2029-03-02")
    listed = client.get(
        "/api/v1/process-instances?process_key=qualification_approval&page_size=100",
        headers=auth.headers("admin"),
    ).json
    assert len(listed) == 1


def test_a_refusal_for_false_materials_bans_the_institution_for_one_year(client, auth, case):
    code = credit_code()
    iid = refused(case, code, false_materials=True)
    assert case.instance(iid)["variables"]["outcome"] == "refused"
    assert_banned(clerk_start(client, auth, code), "2027-03-02")
    assert clerk_start(client, auth, credit_code()).status_code == 201


def test_a_refusal_without_false_materials_does_not_ban(client, auth, case):
    code = credit_code()
    refused(case, code)
    assert clerk_start(client, auth, code).status_code == 201


def test_false_materials_go_with_a_refusal_only(client, auth, case):
    iid = case.start()["id"]
    case.complete(iid, "accept_application", "clerk", {"decision": "accept"})
    case.team_review(iid)
    case.complete(iid, "technical_review", "review_center", {"conclusion": "conforms"})
    task = case.task(iid, "decide", "approver")
    response = client.post(
        f"/api/v1/tasks/{task['id']}/complete",
        json={"data": {"decision": "grant", "false_materials": True}},
        headers=auth.headers("approver"),
    )
    assert response.status_code == 422
    assert "/data/decision" in [e["pointer"] for e in response.json["errors"]]


def test_a_withdrawn_commitment_application_must_be_followed_by_a_normal_one(client, auth, case, portal):
    code = credit_code()
    case_no = portal.submit(portal_record(code, "commitment"))["case_no"]
    assert portal.post(f"{APPLICATIONS}/{case_no}/withdrawal", {}).status_code == 200
    again = portal.post(APPLICATIONS, portal_record(code, "commitment"))
    assert again.status_code == 422, again.json
    assert [e["pointer"] for e in again.json["errors"]] == ["/item_data/procedure"]
    assert "一般程序" in again.json["detail"]
    at_the_desk = clerk_start(client, auth, code, "commitment")
    assert at_the_desk.status_code == 422
    assert [e["pointer"] for e in at_the_desk.json["errors"]] == ["/variables/procedure"]
    assert portal.post(APPLICATIONS, portal_record(code, "normal")).status_code == 201
    assert clerk_start(client, auth, code, "commitment").status_code == 201


def test_restrictions_are_listed_for_staff_and_lifted_by_a_supervisor(client, auth, case):
    code = credit_code()
    revoked(case, code)
    listed = client.get(f"{RESTRICTIONS}?credit_code={code}&active=true", headers=auth.headers("clerk"))
    assert listed.status_code == 200
    [ban] = listed.json
    assert (ban["kind"], ban["until"], ban["created_by"]) == ("ban", "2029-03-02", "review_center1")
    assert client.get(RESTRICTIONS, headers=auth.headers("applicant")).status_code == 403
    lift = {"reason": "行政复议撤销了撤销决定"}
    assert (
        client.post(f"{RESTRICTIONS}/{ban['id']}/lift", json=lift, headers=auth.headers("clerk")).status_code
        == 403
    )
    lifted = client.post(f"{RESTRICTIONS}/{ban['id']}/lift", json=lift, headers=auth.headers("supervisor"))
    assert lifted.status_code == 200 and lifted.json["lifted_by"] == "supervisor1"
    assert clerk_start(client, auth, code).status_code == 201
    again = client.post(f"{RESTRICTIONS}/{ban['id']}/lift", json=lift, headers=auth.headers("supervisor"))
    assert again.status_code == 409


_BAN_WITHOUT_CODE = """
  <bpmn:process id="ban_nobody" isExecutable="true" camunda:candidateStarterGroups="clerk">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="ban" />
    <bpmn:serviceTask id="ban">
      <bpmn:extensionElements>
        <spiffworkflow:serviceTaskOperator id="ban_applicant" resultVariable="ban">
          <spiffworkflow:parameters>
            <spiffworkflow:parameter id="credit_code" type="str" value="applicant.get('credit_code')" />
            <spiffworkflow:parameter id="years" type="int" value="1" />
            <spiffworkflow:parameter id="reason" type="str" value="'测试'" />
          </spiffworkflow:parameters>
        </spiffworkflow:serviceTaskOperator>
      </bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="ban" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>"""


def test_a_ban_without_a_credit_code_puts_the_case_in_error_naming_the_task(client, auth):
    files = multipart([("ban_nobody.bpmn", bpmn_document(_BAN_WITHOUT_CODE))])
    assert client.post("/api/v1/deployments", data=files, headers=auth.headers("designer")).status_code == 201
    body = {"variables": {"applicant": {"name": "个人申请人"}}}
    response = client.post(
        "/api/v1/process-definitions/ban_nobody/instances", json=body, headers=auth.headers("clerk")
    )
    assert response.status_code == 201, response.json
    assert response.json["status"] == "error" and response.json["error"]["element_id"] == "ban"
    assert "credit_code" in response.json["error"]["message"]
    assert client.get(RESTRICTIONS, headers=auth.headers("admin")).json == []
