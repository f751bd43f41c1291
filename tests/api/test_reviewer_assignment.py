"""Reviewer assignment (评审员选派): recusal, declines and redraws, impossible draws, the team's work."""

import pytest

from ..factories import CaseDriver, application, run_worker

ACCEPT = {"response": "accept", "no_conflict_declared": True}


@pytest.fixture
def case(client, auth, deployed):
    return CaseDriver(client, auth)


def accepted_case(case, variables=None):
    iid = case.start(variables=variables or application())["id"]
    case.complete(iid, "accept_application", "clerk", {"decision": "accept"})
    return iid


def drawn(case, iid) -> list[str]:
    """Usernames holding an open confirmation task of the case."""
    tasks = case.instance(iid)["active_tasks"]
    return sorted(t["assignee"] for t in tasks if t["bpmn_id"] == "confirm_seat")


def test_the_draw_skips_a_reviewer_with_a_recent_conflict_and_is_recorded(client, auth, case):
    variables = application()
    code = variables["applicant"]["credit_code"]
    conflicted = case.add_person("赵组长", "leader_conflicted", "team_leader", can_lead=True, fields=["食品"])
    client.post(
        f"/api/v1/registries/people/{conflicted['id']}/conflicts",
        json={
            "credit_code": code,
            "kind": "consulting",
            "start_date": "2023-01-01",
            "end_date": "2025-06-30",
        },
        headers=auth.headers("admin"),
    )
    case.add_person("王组长", "leader1", "team_leader", can_lead=True, fields=["食品"])
    case.add_person("李专家", "expert1", "reviewer", kind="expert", fields=["环境监测"])
    iid = accepted_case(case, variables)
    assert drawn(case, iid) == ["expert1", "leader1"]
    draw_id = case.instance(iid)["variables"]["review_draw"]["draw_id"]
    draw = client.get(f"/api/v1/draws/{draw_id}", headers=auth.headers("review_center")).json
    excluded = {e["name"]: e["code"] for e in draw["exclusions"]}
    assert excluded == {"赵组长": "conflict"}
    assert draw["seed"]
    replay = client.post(f"/api/v1/draws/{draw_id}/replay", headers=auth.headers("supervisor")).json
    assert replay["matches"] is True


def test_a_decline_redraws_that_seat_without_the_decliner(client, auth, case):
    case.add_person("王组长", "leader1", "team_leader", can_lead=True, fields=["食品"])
    case.add_person("李专家", "expert1", "reviewer", kind="expert", fields=["环境监测"])
    case.add_person("周专家", "expert2", "reviewer", kind="expert", fields=["环境监测"])
    iid = accepted_case(case)
    first_expert = next(u for u in drawn(case, iid) if u.startswith("expert"))
    other = "expert2" if first_expert == "expert1" else "expert1"
    case.complete_as(iid, "confirm_seat", "team_leader", "leader1", ACCEPT)
    case.complete_as(
        iid, "confirm_seat", "reviewer", first_expert, {"response": "decline", "decline_reason": "出差"}
    )
    assert drawn(case, iid) == [other]
    case.complete_as(iid, "confirm_seat", "reviewer", other, ACCEPT)
    assert case.active(iid) == ["document_review"]
    leader_task = case.mine(iid, "document_review", "team_leader", "leader1")
    assert leader_task["assignee"] == "leader1"
    seats = client.get("/api/v1/registries/assignments?status=declined", headers=auth.headers("admin")).json
    assert [s["status"] for s in seats] == ["declined"]


def test_someone_elses_confirmation_is_not_mine(client, auth, case):
    case.reviewer_pool()
    iid = accepted_case(case)
    task = case.mine(iid, "confirm_seat", "reviewer", "expert1")
    response = client.post(
        f"/api/v1/tasks/{task['id']}/complete",
        json={"data": ACCEPT},
        headers=auth.headers("team_leader", "leader1"),
    )
    assert response.status_code in (403, 409)


def test_a_missed_confirmation_deadline_counts_as_a_decline(client, auth, case, clock, app):
    case.add_person("王组长", "leader1", "team_leader", can_lead=True, fields=["食品"])
    case.add_person("李专家", "expert1", "reviewer", kind="expert", fields=["环境监测"])
    iid = accepted_case(case)
    case.complete_as(iid, "confirm_seat", "team_leader", "leader1", ACCEPT)
    clock.advance(days=7)
    run_worker(app)
    # expert1 expired and nobody else covers 环境监测: the review centre is told exactly that
    assert case.active(iid) == ["resolve_draw"]
    problem = case.instance(iid)["variables"]["review_draw"]
    assert problem["ok"] is False
    assert problem["uncovered_fields"] == ["环境监测"]
    case.add_person("周专家", "expert2", "reviewer", kind="expert", fields=["环境监测"])
    case.complete(iid, "resolve_draw", "review_center", {"action": "retry"})
    assert drawn(case, iid) == ["expert2"]


def test_an_impossible_draw_gives_the_review_centre_a_task_naming_the_uncovered_field(case):
    case.add_person("王组长", "leader1", "team_leader", can_lead=True, fields=["食品"])
    iid = accepted_case(case)
    assert case.active(iid) == ["resolve_draw"]
    variables = case.instance(iid)["variables"]
    assert variables["review_draw"]["uncovered_fields"] == ["环境监测"]
    case.complete(iid, "resolve_draw", "review_center", {"action": "give_up", "note": "本市无该领域专家"})
    assert case.active(iid) == ["technical_review"]
    assert case.instance(iid)["variables"]["review_outcome"] == "no_team"


def test_the_review_centre_confirms_the_team_conclusion_prefilled(client, auth, case):
    case.reviewer_pool()
    iid = accepted_case(case)
    case.team_review(iid, "basically_conforms", "授权签字人资格不足")
    task = case.task(iid, "technical_review", "review_center")
    detail = client.get(f"/api/v1/tasks/{task['id']}", headers=auth.headers("review_center")).json
    assert (detail["data"]["conclusion"], detail["data"]["findings"]) == (
        "basically_conforms",
        "授权签字人资格不足",
    )


def test_document_review_deferred_for_supplements_then_stopped(case):
    case.reviewer_pool()
    iid = accepted_case(case)
    for user, group in (("leader1", "team_leader"), ("expert1", "reviewer")):
        case.complete_as(iid, "confirm_seat", group, user, ACCEPT)
    defer = {"recommendation": "defer", "opinion": "缺人员档案", "review_missing_items": ["人员档案"]}
    case.complete_as(iid, "document_review", "team_leader", "leader1", defer)
    assert case.active(iid) == ["submit_review_supplements"]
    case.complete(iid, "submit_review_supplements", "applicant", {"materials": [{"name": "人员档案"}]})
    case.complete_as(
        iid, "document_review", "team_leader", "leader1", {"recommendation": "stop", "opinion": "严重不符"}
    )
    assert case.active(iid) == ["technical_review"]
    variables = case.instance(iid)["variables"]
    assert (variables["conclusion"], variables["findings"]) == ("not_conforms", "严重不符")


def draw(client, auth, draw_id: int) -> dict:
    response = client.get(f"/api/v1/draws/{draw_id}", headers=auth.headers("review_center"))
    assert response.status_code == 200, response.json
    return response.json


def test_a_retry_after_an_impossible_draw_links_to_the_failed_draw(client, auth, case):
    case.add_person("王组长", "leader1", "team_leader", can_lead=True, fields=["食品"])
    iid = accepted_case(case)
    failed = case.instance(iid)["variables"]["review_draw"]["draw_id"]
    case.add_person("李专家", "expert1", "reviewer", kind="expert", fields=["环境监测"])
    case.complete(iid, "resolve_draw", "review_center", {"action": "retry"})
    assert drawn(case, iid) == ["expert1", "leader1"]
    retried = draw(client, auth, case.instance(iid)["variables"]["review_draw"]["draw_id"])
    assert (retried["ok"], retried["previous_draw_id"]) == (True, failed)


def test_a_retry_after_a_failed_seat_redraw_keeps_the_confirmed_members(client, auth, case, clock, app):
    case.add_person("王组长", "leader1", "team_leader", can_lead=True, fields=["食品"])
    case.add_person("李专家", "expert1", "reviewer", kind="expert", fields=["环境监测"])
    iid = accepted_case(case)
    first = case.instance(iid)["variables"]["review_draw"]["draw_id"]
    case.complete_as(iid, "confirm_seat", "team_leader", "leader1", ACCEPT)
    clock.advance(days=7)
    run_worker(app)
    seat_redraw = case.instance(iid)["variables"]["review_draw"]["draw_id"]
    assert draw(client, auth, seat_redraw)["previous_draw_id"] == first
    case.add_person("周专家", "expert2", "reviewer", kind="expert", fields=["环境监测"])
    case.complete(iid, "resolve_draw", "review_center", {"action": "retry"})
    retried = draw(client, auth, case.instance(iid)["variables"]["review_draw"]["draw_id"])
    assert retried["previous_draw_id"] == seat_redraw
    assert sorted(m["username"] for m in retried["result"]["team"]) == ["expert2", "leader1"]
    assert drawn(case, iid) == ["expert2"]
