"""Applicants see and do only their own institution's cases, and only what is meant for them."""

import pytest

from ..factories import CaseDriver, application, credit_code, data_file, multipart, one_task_process

pytestmark = pytest.mark.usefixtures("deployed")

SUPPLEMENT = {"decision": "supplement", "missing_items": ["营业执照副本"]}


@pytest.fixture
def case(client, auth):
    driver = CaseDriver(client, auth)
    driver.reviewer_pool()
    return driver


@pytest.fixture
def two_cases(case):
    """Institutions A and B each have a case waiting for their supplements (补正)."""
    codes = {"a": credit_code(), "b": credit_code()}
    ids = {}
    for name, code in codes.items():
        variables = application(applicant={"name": f"机构{name.upper()}", "credit_code": code})
        ids[name] = case.start(variables=variables)["id"]
        case.complete(ids[name], "accept_application", "clerk", SUPPLEMENT)
    return codes, ids


def supplement_task_id(client, auth, instance_id: str) -> str:
    detail = client.get(f"/api/v1/process-instances/{instance_id}", headers=auth.headers("admin")).json
    return next(t["id"] for t in detail["active_tasks"] if t["bpmn_id"] == "submit_supplements")


def test_applicant_lists_only_cases_of_their_institution(client, auth, two_cases):
    codes, ids = two_cases
    response = client.get("/api/v1/process-instances", headers=auth.applicant(codes["a"]))
    assert response.status_code == 200
    assert [i["id"] for i in response.json] == [ids["a"]]
    assert response.headers["X-Pagination"] and '"total": 1' in response.headers["X-Pagination"]


@pytest.mark.parametrize("suffix", ["", "/history"])
def test_another_institutions_case_and_history_are_404_for_an_applicant(client, auth, two_cases, suffix):
    codes, ids = two_cases
    other = client.get(f"/api/v1/process-instances/{ids['b']}{suffix}", headers=auth.applicant(codes["a"]))
    assert other.status_code == 404
    assert other.json["status"] == 404 and codes["b"] not in other.get_data(as_text=True)
    own = client.get(f"/api/v1/process-instances/{ids['a']}{suffix}", headers=auth.applicant(codes["a"]))
    assert own.status_code == 200


def test_applicant_worklist_holds_only_their_institutions_tasks(client, auth, two_cases):
    codes, ids = two_cases
    tasks = client.get("/api/v1/tasks", headers=auth.applicant(codes["a"])).json
    assert [(t["instance_id"], t["bpmn_id"]) for t in tasks] == [(ids["a"], "submit_supplements")]


@pytest.mark.parametrize(
    ("method", "action"), [("get", ""), ("post", "/claim"), ("post", "/complete"), ("post", "/unclaim")]
)
def test_another_institutions_task_is_404_for_an_applicant(client, auth, two_cases, method, action):
    codes, ids = two_cases
    task_id = supplement_task_id(client, auth, ids["b"])
    body = {"json": {"data": {"materials": [{"name": "营业执照副本"}]}}} if action == "/complete" else {}
    response = getattr(client, method)(
        f"/api/v1/tasks/{task_id}{action}", headers=auth.applicant(codes["a"]), **body
    )
    assert response.status_code == 404, response.json
    detail = client.get(f"/api/v1/tasks/{task_id}", headers=auth.headers("admin")).json
    assert detail["state"] == "ready" and detail["assignee"] is None


def test_applicant_completes_their_own_supplement_task(client, auth, two_cases, case):
    codes, ids = two_cases
    task_id = supplement_task_id(client, auth, ids["a"])
    response = client.post(
        f"/api/v1/tasks/{task_id}/complete",
        json={"data": {"materials": [{"name": "营业执照副本"}]}},
        headers=auth.applicant(codes["a"]),
    )
    assert response.status_code == 200, response.json
    assert case.active(ids["a"]) == ["accept_application"]


def test_applicant_sees_neither_the_drawn_reviewers_nor_a_recusal_reason(client, auth, case):
    case.add_person("周专家", "expert2", "reviewer", kind="expert", fields=["环境监测"])
    code = credit_code()
    iid = case.start(variables=application(applicant={"name": "机构A", "credit_code": code}))["id"]
    case.complete(iid, "accept_application", "clerk", {"decision": "accept"})
    expert = next(
        t["assignee"]
        for t in case.instance(iid)["active_tasks"]
        if t["bpmn_id"] == "confirm_seat" and t["assignee"].startswith("expert")
    )
    case.complete_as(
        iid,
        "confirm_seat",
        "reviewer",
        expert,
        {"response": "decline", "decline_reason": "曾为该机构提供咨询"},
    )
    assert "review_draw" in case.instance(iid)["variables"]
    staff_history = client.get(f"/api/v1/process-instances/{iid}/history", headers=auth.headers("admin")).json
    assert "曾为该机构提供咨询" in str(staff_history)

    own = client.get(f"/api/v1/process-instances/{iid}", headers=auth.applicant(code)).json
    listed = client.get("/api/v1/process-instances", headers=auth.applicant(code)).json
    history = client.get(f"/api/v1/process-instances/{iid}/history", headers=auth.applicant(code)).json
    for document in (own, listed, history):
        text = str(document)
        assert "曾为该机构提供咨询" not in text
        assert "leader1" not in text and expert not in text and "王组长" not in text
    assert own["variables"]["applicant"]["credit_code"] == code and own["variables"]["procedure"] == "normal"
    assert "review_draw" not in own["variables"] and "review_team" not in own["variables"]
    assert {t["assignee"] for t in own["active_tasks"]} == {None} and own["started_by"] is None
    assert [e["action"] for e in history][:2] == ["instance_started", "task_created"]


def test_applicant_task_shows_its_form_fields_and_the_declared_variables_only(client, auth, case):
    code = credit_code()
    iid = case.start(variables=application(applicant={"name": "机构A", "credit_code": code}))["id"]
    case.complete(iid, "accept_application", "clerk", {**SUPPLEMENT, "comment": "内部意见：材料可疑"})
    task_id = supplement_task_id(client, auth, iid)
    detail = client.get(f"/api/v1/tasks/{task_id}", headers=auth.applicant(code)).json
    assert detail["data"]["missing_items"] == ["营业执照副本"]
    assert "comment" not in detail["data"] and "内部意见" not in str(detail)
    staff = client.get(f"/api/v1/tasks/{task_id}", headers=auth.headers("admin")).json
    assert staff["data"]["comment"] == "内部意见：材料可疑"


@pytest.fixture
def notified(client, auth):
    """Institutions A and B each have an applicant_notice case: notified, waiting for a reply."""
    files = multipart([data_file("bpmn/applicant_notice.bpmn")])
    assert client.post("/api/v1/deployments", data=files, headers=auth.headers("designer")).status_code == 201
    codes, started = {"a": credit_code(), "b": credit_code()}, {}
    for name, code in codes.items():
        body = {
            "business_key": f"NOTICE-{code}",
            "variables": {"applicant": {"name": name, "credit_code": code}},
        }
        response = client.post(
            "/api/v1/process-definitions/applicant_notice/instances", json=body, headers=auth.headers("clerk")
        )
        assert response.status_code == 201, response.json
        started[name] = response.json["id"]
    return codes, started


def test_applicant_notifications_are_only_about_their_institutions_cases(client, auth, notified):
    codes, started = notified
    notices = client.get("/api/v1/notifications", headers=auth.applicant(codes["a"])).json
    assert [n["instance_id"] for n in notices] == [started["a"]]


def test_an_applicant_delivers_messages_only_to_their_institutions_cases(client, auth, notified):
    codes, started = notified
    reply = {"name": "applicant_reply", "variables": {"answer": "已补充"}}
    other = {**reply, "business_key": f"NOTICE-{codes['b']}"}
    response = client.post("/api/v1/messages", json=other, headers=auth.applicant(codes["a"]))
    assert response.status_code == 404, response.json
    own = {**reply, "business_key": f"NOTICE-{codes['a']}"}
    response = client.post("/api/v1/messages", json=own, headers=auth.applicant(codes["a"]))
    assert response.status_code == 200 and response.json["delivered_to"] == [started["a"]]
    waiting = client.get(f"/api/v1/process-instances/{started['b']}", headers=auth.headers("admin")).json
    assert waiting["active_tasks"] == [] and "answer" not in waiting["variables"]


def test_an_applicant_starts_cases_only_for_their_own_institution(client, auth, notified):
    codes, _ = notified
    path = "/api/v1/process-definitions/applicant_notice/instances"
    for code, status in ((codes["b"], 403), (codes["a"], 201)):
        body = {"variables": {"applicant": {"name": "机构", "credit_code": code}}}
        response = client.post(path, json=body, headers=auth.applicant(codes["a"]))
        assert response.status_code == status, response.json
    listed = client.get(
        "/api/v1/process-instances?process_key=applicant_notice", headers=auth.applicant(codes["a"])
    )
    assert len(listed.json) == 2


def test_an_applicant_code_property_that_does_not_compile_is_refused_at_deployment(client, auth):
    process = one_task_process("coded").replace(
        b'<bpmn:startEvent id="start" />',
        b'<bpmn:extensionElements><camunda:properties><camunda:property name="applicantCode" '
        b'value="applicant[" /></camunda:properties></bpmn:extensionElements><bpmn:startEvent id="start" />',
    )
    files = multipart([("coded.bpmn", process)])
    response = client.post("/api/v1/deployments", data=files, headers=auth.headers("designer"))
    assert response.status_code == 422, response.json
    assert (response.json["file"], response.json["element"]) == ("coded.bpmn", "coded")
    assert "applicantCode" in response.json["detail"]
