"""Withdraw (撤回/拿回) a completed task while no later step has been completed."""

import pytest

from .return_support import ReturnDriver


@pytest.fixture
def case(client, auth):
    driver = ReturnDriver(client, auth)
    driver.deploy("return_loop.bpmn", "return_parallel.bpmn")
    return driver


def _applied(case):
    iid = case.start("return_loop", variables={})["id"]
    apply = case.task(iid, "apply", "clerk")
    case.complete(iid, "apply", "clerk", {"title": "申请一"})
    return iid, apply


def test_withdrawing_gives_the_task_back_prefilled_and_cancels_the_next_one(case, app):
    iid, apply = _applied(case)
    review = case.task(iid, "review", "approver")
    result = case.withdraw(apply["id"], "clerk")
    assert (result["task"]["state"], result["task"]["assignee"]) == ("ready", "clerk1")
    assert [(t["bpmn_id"], t["assignee"]) for t in case.open_tasks(iid)] == [("apply", "clerk1")]
    assert case.task_detail(apply["id"], "clerk")["data"]["title"] == "申请一"
    assert case.timer_jobs(app, iid) == []
    [event] = [e for e in case.history(iid) if e["action"] == "task_withdrawn"]
    assert (event["actor"], event["task_id"]) == ("clerk1", apply["id"])
    assert event["details"]["cancelled_task_ids"] == [review["id"]]
    case.complete(iid, "apply", "clerk", {"title": "申请一（改）"})
    case.complete(iid, "review", "approver", {"approved": True})
    case.complete(iid, "archive", "clerk", {})
    assert case.instance(iid)["status"] == "completed"


def test_withdrawing_after_the_next_step_was_completed_is_409(case):
    iid, apply = _applied(case)
    case.complete(iid, "review", "approver", {"approved": True})
    problem = case.withdraw(apply["id"], "clerk", status=409)
    assert "审核" in problem["detail"] and "approver1" in problem["detail"]
    assert [t["bpmn_id"] for t in case.open_tasks(iid)] == ["archive"]


def test_only_the_person_who_completed_the_task_withdraws_it(case):
    iid, apply = _applied(case)
    problem = case.withdraw(apply["id"], "clerk", "clerk2", status=409)
    assert "clerk1" in problem["detail"]
    case.withdraw(apply["id"], "applicant", status=403)
    assert [t["bpmn_id"] for t in case.open_tasks(iid)] == ["review"]


def test_an_open_task_is_not_withdrawn(case):
    iid, apply = _applied(case)
    problem = case.withdraw(case.task(iid, "review", "approver")["id"], "approver", status=409)
    assert "ready" in problem["detail"]


def test_withdrawing_one_branch_leaves_the_other_open(case):
    iid = case.start("return_parallel", variables={})["id"]
    case.complete(iid, "accept", "clerk", {})
    review_b = case.task(iid, "review_b", "approver")
    case.complete(iid, "review_b", "approver", {"opinion_b": "符合"})
    case.withdraw(review_b["id"], "approver")
    assert sorted(t["bpmn_id"] for t in case.open_tasks(iid)) == ["review_a", "review_b"]


def test_withdrawing_the_branch_that_let_the_join_fire_takes_back_the_next_step(case):
    iid = case.start("return_parallel", variables={})["id"]
    case.complete(iid, "accept", "clerk", {})
    case.complete(iid, "review_a", "clerk", {})
    case.complete(iid, "sign_a", "clerk", {})
    review_b = case.task(iid, "review_b", "approver")
    case.complete(iid, "review_b", "approver", {})
    case.withdraw(review_b["id"], "approver")
    assert [t["bpmn_id"] for t in case.open_tasks(iid)] == ["review_b"]
    case.complete(iid, "review_b", "approver", {})
    case.complete(iid, "decide", "approver", {})
    assert case.instance(iid)["status"] == "completed"


def test_withdrawing_an_earlier_branch_after_the_join_fired_takes_back_the_next_step(case):
    iid = case.start("return_parallel", variables={})["id"]
    case.complete(iid, "accept", "clerk", {})
    case.complete(iid, "review_a", "clerk", {})
    sign_a = case.task(iid, "sign_a", "clerk")
    case.complete(iid, "sign_a", "clerk", {})
    case.complete(iid, "review_b", "approver", {})
    case.withdraw(sign_a["id"], "clerk")
    assert [t["bpmn_id"] for t in case.open_tasks(iid)] == ["sign_a"]
    case.complete(iid, "sign_a", "clerk", {})
    assert [t["bpmn_id"] for t in case.open_tasks(iid)] == ["decide"]
    case.complete(iid, "decide", "approver", {})
    assert case.instance(iid)["status"] == "completed"


def test_a_step_returned_past_cannot_be_withdrawn(case):
    iid, apply = _applied(case)
    case.complete(iid, "review", "approver", {"approved": True})
    review = [t for t in case.history(iid) if t["action"] == "task_completed"][-1]
    archive = case.task(iid, "archive", "clerk")
    case.return_to(archive["id"], "apply", "clerk")
    problem = case.withdraw(archive["id"], "clerk", status=409)
    assert "cancelled" in problem["detail"]
    problem = case.withdraw(review["task_id"], "approver", status=409)
    assert "gone back" in problem["detail"]


def test_a_portal_case_hears_that_a_withdrawn_step_is_open_again(portal, client, auth, app):
    case_no = portal.submit()["case_no"]
    accept = client.get("/api/v1/tasks", headers=auth.headers("clerk")).json[0]
    ReturnDriver(client, auth).complete(
        accept["instance_id"], "accept_application", "clerk", {"decision": "accept"}
    )
    ReturnDriver(client, auth).withdraw(accept["id"], "clerk")
    events = portal.get("/api/v1/portal/events?after=0").json["events"]
    last = [e for e in events if e["case_no"] == case_no][-1]
    assert (last["type"], last["payload"]["element_id"]) == ("step_changed", "accept_application")
