"""Return (退回) to an earlier step across an exclusive-gateway loop, its timers and refusals."""

from datetime import datetime

import pytest

from workflows.clock import BUREAU_TZ

from ..factories import bpmn_document, multipart
from .return_support import ReturnDriver


@pytest.fixture
def case(client, auth):
    driver = ReturnDriver(client, auth)
    driver.deploy("return_loop.bpmn")
    return driver


def _to_review(case):
    iid = case.start("return_loop", variables={})["id"]
    case.complete(iid, "apply", "clerk", {"title": "申请一", "amount": 3})
    return iid


def test_return_to_the_previous_step_reopens_it_prefilled_for_whoever_did_it(case):
    iid = _to_review(case)
    review = case.task(iid, "review", "approver")
    targets = case.targets(review["id"], "approver")
    assert [t["element_id"] for t in targets] == ["apply"]
    assert targets[0]["completed_by"] == "clerk1"
    result = case.return_to(review["id"], "apply", "approver")
    assert result["task"]["state"] == "cancelled"
    [apply] = result["reopened"]
    assert (apply["bpmn_id"], apply["assignee"], apply["state"]) == ("apply", "clerk1", "ready")
    assert [t["bpmn_id"] for t in case.open_tasks(iid)] == ["apply"]
    data = case.task_detail(apply["id"], "clerk")["data"]
    assert (data["title"], data["amount"]) == ("申请一", 3)


def test_the_history_shows_the_return_with_its_reason(case):
    iid = _to_review(case)
    review = case.task(iid, "review", "approver")
    case.return_to(review["id"], "apply", "approver", reason="金额有误")
    [event] = [e for e in case.history(iid) if e["action"] == "task_returned"]
    assert event["actor"] == "approver1"
    assert event["task_id"] == review["id"]
    details = event["details"]
    assert (details["element_id"], details["to_element_id"]) == ("review", "apply")
    assert details["reason"] == "金额有误"


def test_a_returned_case_runs_on_to_the_end(case):
    iid = _to_review(case)
    case.return_to(case.task(iid, "review", "approver")["id"], "apply", "approver")
    case.complete(iid, "apply", "clerk", {"title": "申请一（改）"})
    case.complete(iid, "review", "approver", {"approved": True})
    case.complete(iid, "archive", "clerk", {})
    assert case.instance(iid)["status"] == "completed"


def test_across_the_loop_the_latest_run_of_each_step_is_offered(case):
    iid = _to_review(case)
    case.complete(iid, "review", "approver", {"approved": False})
    case.complete(iid, "apply", "clerk", {"title": "第二轮"})
    case.complete(iid, "review", "approver", {"approved": True})
    archive = case.task(iid, "archive", "clerk")
    targets = case.targets(archive["id"], "clerk")
    assert [t["element_id"] for t in targets] == ["review", "apply"]
    case.return_to(archive["id"], "apply", "clerk")
    [apply] = case.open_tasks(iid)
    assert case.task_detail(apply["id"], "clerk")["data"]["title"] == "第二轮"


def test_returning_cancels_the_abandoned_steps_timer_and_rearms_the_targets(case, app, clock):
    iid = _to_review(case)
    [(element, first_due)] = case.timer_jobs(app, iid)
    assert element == "review_late"
    case.return_to(case.task(iid, "review", "approver")["id"], "apply", "approver")
    assert case.timer_jobs(app, iid) == []
    clock.advance(days=7)
    case.complete(iid, "apply", "clerk", {"title": "改"})
    [(element, due)] = case.timer_jobs(app, iid)
    assert element == "review_late" and due > first_due
    case.complete(iid, "review", "approver", {"approved": True})
    archive = case.task(iid, "archive", "clerk")
    clock.advance(days=1)
    case.return_to(archive["id"], "review", "clerk")
    [(element, rearmed)] = case.timer_jobs(app, iid)
    assert element == "review_late" and rearmed > due
    [review] = case.open_tasks(iid)
    assert datetime.fromisoformat(review["due_at"]) == rearmed.astimezone(BUREAU_TZ)


def test_returning_to_a_step_that_never_ran_is_422_naming_it(case):
    iid = _to_review(case)
    review = case.task(iid, "review", "approver")
    problem = case.return_to(review["id"], "archive", "approver", status=422)
    assert "archive" in problem["detail"]
    assert problem["errors"][0]["pointer"] == "/target"


@pytest.mark.parametrize("target", ["gw_ok", "start"])
def test_returning_to_something_other_than_a_user_task_is_422(case, target):
    iid = _to_review(case)
    problem = case.return_to(case.task(iid, "review", "approver")["id"], target, "approver", status=422)
    assert target in problem["detail"] and "user task" in problem["detail"]


def test_returning_to_an_unknown_step_is_422(case):
    iid = _to_review(case)
    problem = case.return_to(case.task(iid, "review", "approver")["id"], "nowhere", "approver", status=422)
    assert "nowhere" in problem["detail"]


def test_a_return_needs_a_reason(case):
    iid = _to_review(case)
    review = case.task(iid, "review", "approver")
    problem = case.return_to(review["id"], "apply", "approver", reason="  ", status=422)
    assert problem["errors"][0]["pointer"] == "/reason"


def test_returning_a_completed_task_is_409(case):
    iid = _to_review(case)
    review = case.task(iid, "review", "approver")
    case.complete(iid, "review", "approver", {"approved": True})
    problem = case.return_to(review["id"], "apply", "approver", status=409)
    assert "completed" in problem["detail"]


def test_only_someone_who_may_work_on_the_task_returns_it(case):
    iid = _to_review(case)
    review = case.task(iid, "review", "approver")
    case.return_to(review["id"], "apply", "clerk", status=403)
    case.return_to(review["id"], "apply", "applicant", status=403)
    case.targets(review["id"], "clerk", status=403)
    assert [t["bpmn_id"] for t in case.open_tasks(iid)] == ["review"]


def test_a_task_claimed_by_someone_else_is_not_returned(case, client, auth):
    iid = _to_review(case)
    review = case.task(iid, "review", "approver")
    client.post(f"/api/v1/tasks/{review['id']}/claim", headers=auth.headers("approver", "approver2"))
    problem = case.return_to(review["id"], "apply", "approver", status=409)
    assert "approver2" in problem["detail"]


def test_a_step_whose_allowed_operations_omit_return_refuses_it(client, auth):
    driver = ReturnDriver(client, auth)
    content = bpmn_document("""
  <bpmn:process id="no_return" isExecutable="true" camunda:candidateStarterGroups="clerk">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="apply" />
    <bpmn:userTask id="apply" camunda:candidateGroups="clerk" />
    <bpmn:sequenceFlow id="f2" sourceRef="apply" targetRef="decide" />
    <bpmn:userTask id="decide" camunda:candidateGroups="approver">
      <bpmn:extensionElements>
        <camunda:properties>
          <camunda:property name="allowedOperations" value="transfer, withdraw" />
        </camunda:properties>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f3" sourceRef="decide" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>""")
    response = client.post(
        "/api/v1/deployments", data=multipart([("no_return.bpmn", content)]), headers=auth.headers("designer")
    )
    assert response.status_code == 201, response.json
    iid = driver.start("no_return", variables={})["id"]
    driver.complete(iid, "apply", "clerk", {})
    problem = driver.return_to(driver.task(iid, "decide", "approver")["id"], "apply", "approver", status=403)
    assert "allowedOperations" in problem["detail"]
