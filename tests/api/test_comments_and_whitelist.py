"""Comments (意见) at the current step, and each step's allowed operations checked at deployment."""

import pytest

from .operations_support import Operations, deploy, two_steps


@pytest.fixture
def ops(client, auth):
    driver = Operations(client, auth)
    driver.deploy_two_steps()
    return driver


def test_a_comment_shows_in_the_history_with_the_step_it_was_made_at(ops):
    iid = ops.start_two_steps()
    response = ops.post(f"/api/v1/process-instances/{iid}/comments", {"text": "请补充营业执照"}, "clerk1")
    assert response.status_code == 201, response.json
    event = [e for e in ops.history(iid) if e["action"] == "comment_added"][0]
    assert (event["actor"], event["details"]["text"], event["details"]["element_id"]) == (
        "clerk1",
        "请补充营业执照",
        "review",
    )
    assert event["task_id"] == ops.task_id(iid, "review")
    listed = ops.client.get(
        f"/api/v1/process-instances/{iid}/comments", headers=ops.auth.headers("approver")
    ).json
    assert [c["details"]["text"] for c in listed] == ["请补充营业执照"]


def test_an_empty_comment_is_422(ops):
    iid = ops.start_two_steps()
    response = ops.post(f"/api/v1/process-instances/{iid}/comments", {"text": "  "}, "clerk1")
    assert response.status_code == 422


def test_a_step_that_does_not_allow_comments_refuses_them(client, auth):
    ops = Operations(client, auth)
    ops.deploy_two_steps(review={"allowedOperations": "claim,complete"})
    iid = ops.start_two_steps()
    response = ops.post(f"/api/v1/process-instances/{iid}/comments", {"text": "意见"}, "clerk1")
    assert response.status_code == 403
    assert "comment_added" not in ops.actions(iid)


@pytest.mark.parametrize(
    ("properties", "words"),
    [
        ({"allowedOperations": "claim,complete,teleport"}, "'teleport'"),
        ({"autoApprove": "always"}, "'always'"),
    ],
)
def test_unknown_operations_or_approval_rules_are_refused_at_deployment_naming_the_element(
    client, auth, properties, words
):
    response = deploy(client, auth, two_steps(approve=properties))
    assert response.status_code == 422, response.json
    assert (response.json["file"], response.json["element"]) == ("two_steps.bpmn", "approve")
    assert words in response.json["detail"]


def test_the_allowed_operations_of_a_step_are_on_its_tasks(ops, client, auth):
    other = Operations(client, auth)
    assert (
        deploy(client, auth, two_steps(review={"allowedOperations": "claim,complete,return"})).status_code
        == 201
    )
    iid = other.start_two_steps()
    task = other.open_tasks(iid)[0]
    assert task["allowed_operations"] == "claim,complete,return"
    assert ops.post(f"/api/v1/tasks/{task['id']}/claim", None, "clerk1").status_code == 200
