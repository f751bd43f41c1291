"""Who reads a draw record and conflict-of-interest records, and who a draw says drew it."""

import pytest
from sqlalchemy import select

from api.database import db
from workflows.persistence.models import AuditEvent

from ..factories import CaseDriver, application, check_item_body, institution_body


@pytest.fixture
def case(client, auth, deployed):
    return CaseDriver(client, auth)


@pytest.fixture
def review(client, auth, case):
    """A qualification case accepted by clerk1: its team was drawn; 赵组长 was recused (回避)."""
    variables = application()
    conflicted = case.add_person("赵组长", "leader_conflicted", "team_leader", can_lead=True, fields=["食品"])
    conflict = {
        "credit_code": variables["applicant"]["credit_code"],
        "kind": "consulting",
        "start_date": "2024-01-01",
        "note": "2024年曾为该机构提供咨询",
    }
    response = client.post(
        f"/api/v1/registries/people/{conflicted['id']}/conflicts",
        json=conflict,
        headers=auth.headers("admin"),
    )
    assert response.status_code == 201, response.json
    case.reviewer_pool()
    case.add_person("钱评审", "reviewer_other", "reviewer", fields=["水质"])
    iid = case.start(variables=variables)["id"]
    case.complete(iid, "accept_application", "clerk", {"decision": "accept"})
    draw_id = case.instance(iid)["variables"]["review_draw"]["draw_id"]
    return {"instance_id": iid, "draw_id": draw_id, "conflicted": conflicted}


def test_a_drawn_reviewer_reads_the_draw_without_other_peoples_conflicts(client, auth, review):
    response = client.get(
        f"/api/v1/draws/{review['draw_id']}", headers=auth.headers("team_leader", "leader1")
    )
    assert response.status_code == 200, response.json
    assert "leader1" in [m["username"] for m in response.json["result"]["team"]]
    assert [e for e in response.json["exclusions"] if e["code"] == "conflict"] == []
    assert "咨询" not in response.get_data(as_text=True)


@pytest.mark.parametrize("group", ["review_center", "supervisor", "admin"])
def test_the_review_centre_supervisors_and_admins_read_every_exclusion(client, auth, review, group):
    response = client.get(f"/api/v1/draws/{review['draw_id']}", headers=auth.headers(group))
    assert response.status_code == 200
    conflicts = [e for e in response.json["exclusions"] if e["code"] == "conflict"]
    assert [e["name"] for e in conflicts] == ["赵组长"] and "咨询" in conflicts[0]["reason"]


@pytest.mark.parametrize(
    ("group", "user"), [("reviewer", "reviewer_other"), ("team_leader", "leader_conflicted")]
)
def test_a_reviewer_outside_the_draw_neither_reads_nor_replays_it(client, auth, review, group, user):
    headers = auth.headers(group, user)
    assert client.get(f"/api/v1/draws/{review['draw_id']}", headers=headers).status_code == 403
    assert client.post(f"/api/v1/draws/{review['draw_id']}/replay", headers=headers).status_code == 403


def test_a_drawn_reviewer_may_replay_the_draw(client, auth, review):
    headers = auth.headers("reviewer", "expert1")
    response = client.post(f"/api/v1/draws/{review['draw_id']}/replay", headers=headers)
    assert response.status_code == 200 and response.json["matches"] is True


def test_the_draw_records_the_clerk_whose_acceptance_drew_it(app, client, auth, review):
    record = client.get(f"/api/v1/draws/{review['draw_id']}", headers=auth.headers("admin")).json
    assert record["drawn_by"] == "clerk1"
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "draw_made",
                AuditEvent.details["draw_id"].as_integer() == review["draw_id"],
            )
        )
    assert event.actor == "clerk1"


@pytest.mark.parametrize(
    ("group", "user", "status"),
    [
        ("team_leader", "leader_conflicted", 200),
        ("review_center", None, 200),
        ("supervisor", None, 200),
        ("admin", None, 200),
        ("clerk", None, 403),
        ("reviewer", "reviewer_other", 403),
        ("team_leader", "leader1", 403),
    ],
)
def test_conflict_records_are_for_the_pool_writers_supervisors_and_the_person(
    client, auth, review, group, user, status
):
    person_id = review["conflicted"]["id"]
    response = client.get(
        f"/api/v1/registries/people/{person_id}/conflicts", headers=auth.headers(group, user)
    )
    assert response.status_code == status, response.json
    if status == 200:
        assert [c["kind"] for c in response.json] == ["consulting"]


def spot_check_plan(client, auth, case) -> dict:
    """A supervisor's plan with one target: two of four inspectors are drawn for it."""
    admin = auth.headers("admin")
    item = client.post("/api/v1/registries/check-items", json=check_item_body(), headers=admin).json
    assert (
        client.post("/api/v1/registries/institutions", json=institution_body(), headers=admin).status_code
        == 201
    )
    for n in range(1, 5):
        case.add_person(f"检查员{n}", f"insp{n}", "inspector", kind="inspector", workload_limit=100)
    body = {"plan_name": "2026年抽查", "check_item_code": item["code"], "departments": [], "count": 1}
    return case.instance(case.start("spot_check", variables=body, group="supervisor")["id"])


def test_inspectors_read_the_draws_of_their_plan_only_when_drawn(client, auth, case):
    plan = spot_check_plan(client, auth, case)
    variables = plan["variables"]
    drawn = {i["username"] for a in variables["inspector_draw"]["assignments"] for i in a["inspectors"]}
    assert len(drawn) == 2
    for draw in (variables["target_draw"], variables["inspector_draw"]):
        record = client.get(f"/api/v1/draws/{draw['draw_id']}", headers=auth.headers("admin")).json
        assert record["drawn_by"] == "supervisor1"
        for n in range(1, 5):
            user = f"insp{n}"
            response = client.get(f"/api/v1/draws/{draw['draw_id']}", headers=auth.headers("inspector", user))
            assert response.status_code == (200 if user in drawn else 403), (user, draw)
