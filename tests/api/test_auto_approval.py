"""Automatic approval rules per step (autoApprove): skipped with the reason in the history."""

import pytest

from .operations_support import Operations


def _ops(client, auth, rule, assignee=""):
    ops = Operations(client, auth)
    ops.deploy_two_steps(approve={"autoApprove": rule}, approve_assignee=assignee)
    return ops


def _review(ops, iid, user="clerk1"):
    response = ops.post(f"/api/v1/tasks/{ops.task_id(iid, 'review')}/complete", {"data": {}}, user)
    assert response.status_code == 200, response.json


def _auto_approvals(ops, iid):
    return [
        (e["actor"], e["details"]["element_id"], e["details"]["reason"])
        for e in ops.history(iid)
        if e["action"] == "task_auto_approved"
    ]


def test_a_step_whose_assignee_started_the_case_completes_by_itself(client, auth):
    ops = _ops(client, auth, "initiator", "${approver}")
    iid = ops.start_two_steps(approver="clerk1")
    _review(ops, iid, "clerk2")
    assert ops.instance(iid)["status"] == "completed"
    assert _auto_approvals(ops, iid) == [("system", "approve", "initiator")]


def test_a_step_assigned_to_whoever_approved_the_step_before_completes_by_itself(client, auth):
    ops = _ops(client, auth, "same_as_previous", "${approver}")
    iid = ops.start_two_steps(group="clerk", approver="clerk2")
    _review(ops, iid, "clerk2")
    assert _auto_approvals(ops, iid) == [("system", "approve", "same_as_previous")]


def test_a_step_nobody_active_can_do_completes_by_itself(client, auth):
    ops = _ops(client, auth, "no_approver")
    iid = ops.start_two_steps()
    _review(ops, iid)
    assert ops.instance(iid)["status"] == "completed"
    assert _auto_approvals(ops, iid) == [("system", "approve", "no_approver")]
    task_id = next(e["task_id"] for e in ops.history(iid) if e["action"] == "task_auto_approved")
    task = client.get(f"/api/v1/tasks/{task_id}", headers=auth.headers("admin")).json
    assert (task["state"], task["completed_by"]) == ("completed", "system")


@pytest.mark.parametrize(
    ("rule", "approver"), [("initiator", "approver1"), ("same_as_previous", "approver1")]
)
def test_a_step_whose_rule_does_not_apply_waits_for_its_person(client, auth, rule, approver):
    ops = _ops(client, auth, rule, "${approver}")
    auth.token("approver", "approver1")
    iid = ops.start_two_steps(approver=approver)
    _review(ops, iid)
    assert [t["assignee"] for t in ops.open_tasks(iid)] == ["approver1"]
    assert _auto_approvals(ops, iid) == []


def test_a_step_with_an_active_approver_is_not_skipped_as_having_none(client, auth):
    ops = _ops(client, auth, "no_approver")
    auth.token("approver", "approver1")
    iid = ops.start_two_steps()
    _review(ops, iid)
    assert [t["bpmn_id"] for t in ops.open_tasks(iid)] == ["approve"]
