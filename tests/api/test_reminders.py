"""Reminders (催办), copies (抄送) and reading notices."""

import pytest

from ..factories import CaseDriver


@pytest.fixture
def case(client, auth, deployed):
    return CaseDriver(client, auth)


def remind(client, auth, iid, group="supervisor", **body):
    return client.post(f"/api/v1/process-instances/{iid}/remind", json=body, headers=auth.headers(group))


def notices(client, auth, group, name=None):
    return client.get("/api/v1/notifications", headers=auth.headers(group, name)).json


def test_a_reminder_reaches_the_groups_of_the_open_task(client, auth, case):
    iid = case.start()["id"]
    response = remind(client, auth, iid, message="请今天受理")
    assert response.status_code == 200, response.json
    assert response.json["recipients"] == ["group:clerk"]
    [notice] = notices(client, auth, "clerk")
    assert (notice["kind"], notice["message"], notice["read"]) == ("urge", "请今天受理", False)
    history = client.get(f"/api/v1/process-instances/{iid}/history", headers=auth.headers("admin")).json
    reminded = [e for e in history if e["action"] == "instance_reminded"]
    assert reminded[0]["actor"] == "supervisor1"
    assert reminded[0]["details"]["message"] == "请今天受理"


def test_a_claimed_task_reminds_only_its_assignee(client, auth, case):
    iid = case.start()["id"]
    task = case.task(iid, "accept_application", "clerk")
    client.post(f"/api/v1/tasks/{task['id']}/claim", headers=auth.headers("clerk", "clerk2"))
    assert remind(client, auth, iid).json["recipients"] == ["clerk2"]
    assert notices(client, auth, "clerk") == []


def test_a_second_reminder_within_the_hour_is_429_with_retry_after(client, auth, case, clock):
    iid = case.start()["id"]
    assert remind(client, auth, iid).status_code == 200
    clock.advance(minutes=20)
    again = remind(client, auth, iid, group="clerk")
    assert again.status_code == 429
    assert again.headers["Retry-After"] == str(40 * 60)
    assert again.json["retry_after"] == 40 * 60
    clock.advance(minutes=41)
    assert remind(client, auth, iid).status_code == 200


def test_a_closed_case_has_nobody_to_remind(client, auth, case):
    iid = case.start()["id"]
    client.post(
        f"/api/v1/process-instances/{iid}/cancel", json={"reason": "撤销"}, headers=auth.headers("admin")
    )
    assert remind(client, auth, iid).status_code == 409


def test_staff_outside_the_process_may_not_remind(client, auth, case):
    iid = case.start()["id"]
    assert remind(client, auth, iid, group="inspector").status_code == 403


def test_a_copy_lets_the_user_read_the_case_and_tells_them(client, auth, case):
    iid = case.start()["id"]
    path = f"/api/v1/process-instances/{iid}"
    auth.token("inspector")
    assert client.get(path, headers=auth.headers("inspector")).status_code == 403
    response = client.post(
        f"{path}/copies", json={"users": ["inspector1"], "message": "请知悉"}, headers=auth.headers("clerk")
    )
    assert response.status_code == 200, response.json
    assert client.get(path, headers=auth.headers("inspector")).status_code == 200
    listed = client.get("/api/v1/process-instances", headers=auth.headers("inspector")).json
    assert [i["id"] for i in listed] == [iid]
    [notice] = notices(client, auth, "inspector")
    assert (notice["kind"], notice["message"], notice["instance_id"]) == ("copy", "请知悉", iid)
    history = client.get(f"{path}/history", headers=auth.headers("admin")).json
    assert [e["details"]["users"] for e in history if e["action"] == "instance_copied"] == [["inspector1"]]


def test_a_copy_to_an_unknown_user_or_an_applicant_is_422(client, auth, case):
    iid = case.start()["id"]
    auth.token("applicant")
    response = client.post(
        f"/api/v1/process-instances/{iid}/copies",
        json={"users": ["nobody", "applicant1"]},
        headers=auth.headers("clerk"),
    )
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json["errors"]] == ["/users/0", "/users/1"]


def test_reading_a_notice_marks_it_read_for_that_user_only(client, auth, case):
    iid = case.start()["id"]
    remind(client, auth, iid)
    [notice] = notices(client, auth, "clerk")
    read = client.post(f"/api/v1/notifications/{notice['id']}/read", headers=auth.headers("clerk"))
    assert read.status_code == 200
    assert read.json["read"] is True
    assert notices(client, auth, "clerk")[0]["read"] is True
    assert notices(client, auth, "clerk", "clerk2")[0]["read"] is False


def test_reading_someone_elses_notice_is_404(client, auth, case):
    iid = case.start()["id"]
    remind(client, auth, iid)
    [notice] = notices(client, auth, "clerk")
    assert (
        client.post(
            f"/api/v1/notifications/{notice['id']}/read", headers=auth.headers("approver")
        ).status_code
        == 404
    )
