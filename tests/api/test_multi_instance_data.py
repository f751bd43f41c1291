"""Each multi-instance instance starts from the data it is about, not from other instances' answers."""

import pytest

from ..factories import CaseDriver, application, data_file, multipart

ANSWERS = ("response", "decline_reason", "no_conflict_declared", "seat_response")


@pytest.fixture
def case(client, auth):
    return CaseDriver(client, auth)


def task_data(client, auth, task: dict, group: str, user: str | None = None) -> dict:
    response = client.get(f"/api/v1/tasks/{task['id']}", headers=auth.headers(group, user))
    assert response.status_code == 200, response.json
    return response.json["data"]


def test_a_redrawn_member_s_confirmation_carries_no_answer_of_the_previous_round(
    client, auth, deployed, case
):
    case.add_person("王组长", "leader1", "team_leader", can_lead=True, fields=["食品"])
    case.add_person("李专家", "expert1", "reviewer", kind="expert", fields=["环境监测"])
    case.add_person("周专家", "expert2", "reviewer", kind="expert", fields=["环境监测"])
    iid = case.start(variables=application())["id"]
    case.complete(iid, "accept_application", "clerk", {"decision": "accept"})
    tasks = case.instance(iid)["active_tasks"]
    first = next(t["assignee"] for t in tasks if t["assignee"].startswith("expert"))
    other = "expert2" if first == "expert1" else "expert1"
    case.complete_as(
        iid, "confirm_seat", "reviewer", first, {"response": "decline", "decline_reason": "出差"}
    )
    case.complete_as(
        iid, "confirm_seat", "team_leader", "leader1", {"response": "accept", "no_conflict_declared": True}
    )

    redrawn = case.mine(iid, "confirm_seat", "reviewer", other)
    data = task_data(client, auth, redrawn, "reviewer", other)
    assert data["member"]["username"] == other
    assert [name for name in ANSWERS if name in data] == []


def test_a_sequential_instance_does_not_see_the_previous_instance_s_answer(client, auth, case):
    files = multipart([data_file("bpmn/sequential_reviews.bpmn")])
    assert client.post("/api/v1/deployments", data=files, headers=auth.headers("designer")).status_code == 201
    reviewers = [{"username": "reviewer1"}, {"username": "reviewer2"}]
    iid = case.start("sequential_reviews", variables={"reviewers": reviewers})["id"]
    case.complete(iid, "review", "reviewer", {"opinion": "同意", "notes": ["n1"]})

    second = task_data(client, auth, case.task(iid, "review", "reviewer"), "reviewer")
    assert second["reviewer"] == {"username": "reviewer2"}
    assert "opinion" not in second and "notes" not in second
    case.complete(iid, "review", "reviewer", {"opinion": "不同意"})
    summary = task_data(client, auth, case.task(iid, "summary", "clerk"), "clerk")
    assert summary["opinion"] == "不同意"
    assert "reviewer" not in summary


def test_an_output_collection_is_filled_when_the_activity_completes(client, auth, case):
    files = multipart([data_file("bpmn/sequential_reviews.bpmn")])
    assert client.post("/api/v1/deployments", data=files, headers=auth.headers("designer")).status_code == 201
    experts = [{"username": "expert1"}, {"username": "expert2"}]
    iid = case.start("sequential_opinions", variables={"experts": experts})["id"]
    case.complete(iid, "give_opinion", "reviewer", {"opinion": {"agree": True, "notes": ["n1"]}})

    second = task_data(client, auth, case.task(iid, "give_opinion", "reviewer"), "reviewer")
    assert second["expert"] == {"username": "expert2"} and second.get("opinions") == []
    case.complete(iid, "give_opinion", "reviewer", {"opinion": {"agree": False}})
    summary = task_data(client, auth, case.task(iid, "o_summary", "clerk"), "clerk")
    assert summary["opinions"] == [{"agree": True, "notes": ["n1"]}, {"agree": False}]
    assert "opinion" not in summary and "expert" not in summary
