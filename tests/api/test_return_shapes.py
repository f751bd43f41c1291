"""Returns (退回) into and out of parallel branches, to and from a multi-instance step, and
from a called process to its parent's steps: nothing stuck, nothing twice, the case ends."""

import pytest

from .return_support import ReturnDriver

SIGNERS = ["approver1", "approver2", "approver3"]


@pytest.fixture
def case(client, auth):
    driver = ReturnDriver(client, auth)
    driver.deploy(
        "return_parallel.bpmn", "return_multi.bpmn", "return_call_parent.bpmn", "return_call_child.bpmn"
    )
    return driver


def _open(case, iid) -> list[str]:
    return sorted(t["bpmn_id"] for t in case.open_tasks(iid))


def _parallel_at_decide(case):
    iid = case.start("return_parallel", variables={})["id"]
    case.complete(iid, "accept", "clerk", {"accepted": True})
    case.complete(iid, "review_b", "approver", {"opinion_b": "技术符合"})
    case.complete(iid, "review_a", "clerk", {"opinion_a": "材料齐全"})
    case.complete(iid, "sign_a", "clerk", {"signed": True})
    return iid


def _finish_parallel(case, iid, redo=("review_a", "sign_a")):
    answers = {"accept": {}, "review_a": {}, "sign_a": {}, "review_b": {}}
    for step in redo:
        case.complete(iid, step, "approver" if step == "review_b" else "clerk", answers[step])
    assert _open(case, iid) == ["decide"]
    case.complete(iid, "decide", "approver", {"decision": "grant"})
    assert case.instance(iid)["status"] == "completed"


def test_returning_from_after_the_join_into_one_branch_leaves_nothing_open_twice(case):
    iid = _parallel_at_decide(case)
    decide = case.task(iid, "decide", "approver")
    targets = [t["element_id"] for t in case.targets(decide["id"], "approver")]
    assert sorted(targets) == ["accept", "review_a", "review_b", "sign_a"]
    assert targets[0] == "sign_a" and targets[-1] == "accept"
    case.return_to(decide["id"], "review_a", "approver")
    assert _open(case, iid) == ["review_a"]
    assert (
        case.task_detail(case.task(iid, "review_a", "clerk")["id"], "clerk")["data"]["opinion_a"]
        == "材料齐全"
    )
    _finish_parallel(case, iid)


def test_returning_into_the_branch_that_arrived_first_leaves_nothing_open_twice(case):
    iid = _parallel_at_decide(case)
    case.return_to(case.task(iid, "decide", "approver")["id"], "review_b", "approver")
    assert _open(case, iid) == ["review_b"]
    _finish_parallel(case, iid, redo=("review_b",))


def test_returning_out_of_a_branch_cancels_the_other_branch_and_its_timer(case, app):
    iid = case.start("return_parallel", variables={})["id"]
    case.complete(iid, "accept", "clerk", {})
    assert [e for e, _ in case.timer_jobs(app, iid)] == ["review_b_late"]
    review_a, review_b = case.task(iid, "review_a", "clerk"), case.task(iid, "review_b", "approver")
    case.return_to(review_a["id"], "accept", "clerk")
    assert _open(case, iid) == ["accept"]
    assert case.timer_jobs(app, iid) == []
    [event] = [e for e in case.history(iid) if e["action"] == "task_returned"]
    assert event["details"]["cancelled_task_ids"] == [review_b["id"]]
    case.complete(iid, "accept", "clerk", {})
    assert _open(case, iid) == ["review_a", "review_b"]
    assert [e for e, _ in case.timer_jobs(app, iid)] == ["review_b_late"]
    _finish_parallel(case, iid, redo=("review_a", "sign_a", "review_b"))


def test_returning_within_a_branch_leaves_the_other_branch_alone(case, app):
    iid = case.start("return_parallel", variables={})["id"]
    case.complete(iid, "accept", "clerk", {})
    review_b = case.task(iid, "review_b", "approver")
    jobs = case.timer_jobs(app, iid)
    case.complete(iid, "review_a", "clerk", {"opinion_a": "初审"})
    sign_a = case.task(iid, "sign_a", "clerk")
    assert [t["element_id"] for t in case.targets(sign_a["id"], "clerk")] == ["review_a", "accept"]
    case.return_to(sign_a["id"], "review_a", "clerk")
    assert _open(case, iid) == ["review_a", "review_b"]
    assert case.task(iid, "review_b", "approver")["id"] == review_b["id"]
    assert case.timer_jobs(app, iid) == jobs
    _finish_parallel(case, iid, redo=("review_a", "sign_a", "review_b"))


def test_a_branch_waiting_at_the_join_is_not_offered_to_the_other_branch(case):
    iid = case.start("return_parallel", variables={})["id"]
    case.complete(iid, "accept", "clerk", {})
    case.complete(iid, "review_b", "approver", {})
    review_a = case.task(iid, "review_a", "clerk")
    assert [t["element_id"] for t in case.targets(review_a["id"], "clerk")] == ["accept"]
    problem = case.return_to(review_a["id"], "review_b", "clerk", status=422)
    assert "review_b" in problem["detail"]


def _signed(case):
    iid = case.start("return_multi", variables={"signers": SIGNERS})["id"]
    case.complete(iid, "prepare", "clerk", {"summary": "材料"})
    for user in SIGNERS:
        case.complete_as(iid, "sign", "approver", user, {"opinion": f"{user} 同意"})
    return iid


def test_returning_to_a_multi_instance_step_recreates_its_instances_prefilled(case):
    iid = _signed(case)
    archive = case.task(iid, "archive", "clerk")
    assert [t["element_id"] for t in case.targets(archive["id"], "clerk")] == ["sign", "prepare"]
    result = case.return_to(archive["id"], "sign", "clerk")
    assert sorted(t["assignee"] for t in result["reopened"]) == SIGNERS
    tasks = case.open_tasks(iid)
    assert sorted((t["bpmn_id"], t["assignee"]) for t in tasks) == [("sign", u) for u in SIGNERS]
    for user in SIGNERS:
        task = case.mine(iid, "sign", "approver", user)
        assert case.task_detail(task["id"], "approver", user)["data"]["opinion"] == f"{user} 同意"
        case.complete_as(iid, "sign", "approver", user, {"opinion": "再次同意"})
    assert _open(case, iid) == ["archive"]
    case.complete(iid, "archive", "clerk", {})
    assert case.instance(iid)["status"] == "completed"


def test_returning_from_inside_a_multi_instance_step_cancels_every_instance(case):
    iid = case.start("return_multi", variables={"signers": SIGNERS})["id"]
    case.complete(iid, "prepare", "clerk", {"summary": "材料"})
    case.complete_as(iid, "sign", "approver", "approver1", {"opinion": "同意"})
    mine = case.mine(iid, "sign", "approver", "approver2")
    assert [t["element_id"] for t in case.targets(mine["id"], "approver", "approver2")] == ["prepare"]
    case.return_to(mine["id"], "prepare", "approver", "approver2")
    assert _open(case, iid) == ["prepare"]
    case.complete(iid, "prepare", "clerk", {"summary": "补充后"})
    assert sorted(t["assignee"] for t in case.open_tasks(iid)) == SIGNERS


def _in_child(case):
    iid = case.start("return_call_parent", variables={})["id"]
    case.complete(iid, "register", "clerk", {"registered_as": "登记一"})
    case.complete(iid, "examine", "review_center", {"finding": "符合"})
    return iid


def test_a_called_process_returns_to_its_parents_step(case):
    iid = _in_child(case)
    report = case.task(iid, "report", "review_center")
    assert [t["element_id"] for t in case.targets(report["id"], "review_center")] == ["examine", "register"]
    case.return_to(report["id"], "register", "review_center")
    assert _open(case, iid) == ["register"]
    case.complete(iid, "register", "clerk", {})
    assert _open(case, iid) == ["examine"]
    case.complete(iid, "examine", "review_center", {})
    case.complete(iid, "report", "review_center", {})
    case.complete(iid, "conclude", "clerk", {})
    assert case.instance(iid)["status"] == "completed"


def test_a_called_process_returns_to_its_own_earlier_step(case):
    iid = _in_child(case)
    case.return_to(case.task(iid, "report", "review_center")["id"], "examine", "review_center")
    assert _open(case, iid) == ["examine"]
    case.complete(iid, "examine", "review_center", {})
    case.complete(iid, "report", "review_center", {})
    case.complete(iid, "conclude", "clerk", {})
    assert case.instance(iid)["status"] == "completed"


def test_the_parent_returns_into_the_completed_called_process(case):
    iid = _in_child(case)
    case.complete(iid, "report", "review_center", {"report_no": "R-1"})
    conclude = case.task(iid, "conclude", "clerk")
    assert [t["element_id"] for t in case.targets(conclude["id"], "clerk")] == [
        "report",
        "examine",
        "register",
    ]
    case.return_to(conclude["id"], "report", "clerk")
    assert _open(case, iid) == ["report"]
    case.complete(iid, "report", "review_center", {})
    assert _open(case, iid) == ["conclude"]
    case.complete(iid, "conclude", "clerk", {})
    assert case.instance(iid)["status"] == "completed"
