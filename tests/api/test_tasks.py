"""The worklist and task actions: claim, unclaim, complete."""

import pytest

from ..factories import CaseDriver


@pytest.fixture
def case(client, auth, deployed):
    return CaseDriver(client, auth)


def test_worklist_holds_unclaimed_tasks_of_my_groups_only(client, auth, case):
    iid = case.start()["id"]
    mine = client.get("/api/v1/tasks", headers=auth.headers("clerk")).json
    assert [t["instance_id"] for t in mine] == [iid]
    assert client.get("/api/v1/tasks", headers=auth.headers("approver")).json == []


def test_a_task_claimed_by_someone_else_leaves_my_worklist(client, auth, case):
    case.start()
    task = client.get("/api/v1/tasks", headers=auth.headers("clerk")).json[0]
    claimed = client.post(f"/api/v1/tasks/{task['id']}/claim", headers=auth.headers("clerk", "clerk2"))
    assert claimed.json["assignee"] == "clerk2"
    assert client.get("/api/v1/tasks", headers=auth.headers("clerk")).json == []
    assert len(client.get("/api/v1/tasks", headers=auth.headers("clerk", "clerk2")).json) == 1


def test_claimed_task_is_409_for_other_members(client, auth, case):
    iid = case.start()["id"]
    task = case.task(iid, "accept_application", "clerk")
    client.post(f"/api/v1/tasks/{task['id']}/claim", headers=auth.headers("clerk", "clerk2"))
    other = auth.headers("clerk")
    assert client.post(f"/api/v1/tasks/{task['id']}/claim", headers=other).status_code == 409
    completed = client.post(
        f"/api/v1/tasks/{task['id']}/complete", json={"data": {"decision": "accept"}}, headers=other
    )
    assert completed.status_code == 409
    assert client.post(f"/api/v1/tasks/{task['id']}/unclaim", headers=other).status_code == 409


def test_unclaim_returns_the_task_to_the_group(client, auth, case):
    iid = case.start()["id"]
    task = case.task(iid, "accept_application", "clerk")
    client.post(f"/api/v1/tasks/{task['id']}/claim", headers=auth.headers("clerk", "clerk2"))
    released = client.post(f"/api/v1/tasks/{task['id']}/unclaim", headers=auth.headers("clerk", "clerk2"))
    assert released.json["assignee"] is None
    assert len(client.get("/api/v1/tasks", headers=auth.headers("clerk")).json) == 1


def test_claiming_a_task_of_another_group_is_403(client, auth, case):
    iid = case.start()["id"]
    task = case.task(iid, "accept_application", "clerk")
    assert (
        client.post(f"/api/v1/tasks/{task['id']}/claim", headers=auth.headers("approver")).status_code == 403
    )


def test_completing_an_unclaimed_task_claims_it_implicitly(client, auth, case):
    iid = case.start()["id"]
    result = case.complete(iid, "accept_application", "clerk", {"decision": "accept"})
    assert result["task"]["assignee"] == "clerk1"
    assert result["task"]["completed_by"] == "clerk1"
    assert result["task"]["state"] == "completed"
    assert [t["bpmn_id"] for t in result["instance"]["active_tasks"]] == ["resolve_draw"]


def test_completed_task_cannot_be_completed_again(client, auth, case):
    iid = case.start()["id"]
    task = case.task(iid, "accept_application", "clerk")
    url = f"/api/v1/tasks/{task['id']}/complete"
    assert (
        client.post(url, json={"data": {"decision": "accept"}}, headers=auth.headers("clerk")).status_code
        == 200
    )
    assert (
        client.post(url, json={"data": {"decision": "accept"}}, headers=auth.headers("clerk")).status_code
        == 409
    )


def test_task_detail_has_the_form_and_the_case_data(client, auth, case):
    iid = case.start()["id"]
    task = case.task(iid, "accept_application", "clerk")
    detail = client.get(f"/api/v1/tasks/{task['id']}", headers=auth.headers("clerk")).json
    assert detail["bpmn_id"] == "accept_application"
    assert detail["candidate_groups"] == ["clerk"]
    assert detail["form"]["schema"]["title"] == "受理审查"
    assert detail["form"]["ui_schema"]["decision"] == {"ui:widget": "radio"}
    assert detail["data"]["procedure"] == "normal"


def test_task_of_another_group_is_403_to_read(client, auth, case):
    iid = case.start()["id"]
    task = case.task(iid, "accept_application", "clerk")
    assert client.get(f"/api/v1/tasks/{task['id']}", headers=auth.headers("approver")).status_code == 403
    assert client.get(f"/api/v1/tasks/{task['id']}", headers=auth.headers("admin")).status_code == 200


def test_unknown_task_is_404(client, auth):
    for task_id in ("x", "6f1f2a52-0000-4000-8000-000000000000"):
        assert client.get(f"/api/v1/tasks/{task_id}", headers=auth.headers("clerk")).status_code == 404


def test_worklist_filters_by_business_key_and_sorts_oldest_first(client, auth, case, clock):
    first = case.start()
    clock.advance(minutes=5)
    second = case.start()
    listed = client.get("/api/v1/tasks", headers=auth.headers("clerk")).json
    assert [t["instance_id"] for t in listed] == [first["id"], second["id"]]
    only = client.get(
        f"/api/v1/tasks?business_key={second['business_key']}", headers=auth.headers("clerk")
    ).json
    assert [t["instance_id"] for t in only] == [second["id"]]


def test_complete_body_must_be_an_object(client, auth, case):
    iid = case.start()["id"]
    task = case.task(iid, "accept_application", "clerk")
    response = client.post(
        f"/api/v1/tasks/{task['id']}/complete", json={"data": [1]}, headers=auth.headers("clerk")
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["pointer"] == "/data"
