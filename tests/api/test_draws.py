"""Draw records through HTTP: a BPMN service task draws a team; the record is read and replayed."""

import pytest
from sqlalchemy import select

from api.database import db
from workflows.persistence.models import AuditEvent, DrawRecord

from ..factories import application, business_key, data_file, multipart, person_body


@pytest.fixture
def drawn(client, auth):
    """A review_draw case whose service task drew a team from a small pool."""
    headers = auth.headers("review_center")
    for n, fields in enumerate((["食品"], ["环境监测"], ["食品", "环境监测"])):
        auth.token("reviewer", f"rev{n}")
        body = person_body(f"评审员{n}", username=f"rev{n}", fields=fields, can_lead=n == 0)
        assert client.post("/api/v1/registries/people", json=body, headers=headers).status_code == 201
    files = multipart([data_file("bpmn/review_draw.bpmn")])
    assert client.post("/api/v1/deployments", data=files, headers=auth.headers("designer")).status_code == 201
    key = business_key("TJ")
    variables = {**application(), "case_no": key}
    response = client.post(
        "/api/v1/process-definitions/review_draw/instances",
        json={"business_key": key, "variables": variables},
        headers=headers,
    )
    assert response.status_code == 201, response.json
    return response.json


def test_a_service_task_draws_a_covering_team_in_the_case_transaction(drawn):
    team = drawn["variables"]["review_team"]
    assert team["ok"] and team["team"][0]["role"] == "leader" and team["team"][0]["username"] == "rev0"
    assert {"食品", "环境监测"} <= {f for m in team["team"] for f in m["fields"]}
    assert set(team) >= {"draw_id", "seed", "team", "uncovered_fields", "problem"}
    assert [t["bpmn_id"] for t in drawn["active_tasks"]] == ["confirm_team"]


def test_the_draw_record_shows_seed_candidates_and_result(client, auth, drawn):
    team = drawn["variables"]["review_team"]
    response = client.get(f"/api/v1/draws/{team['draw_id']}", headers=auth.headers("reviewer", "rev0"))
    assert response.status_code == 200
    record = response.json
    assert (
        record["kind"] == "review_team"
        and record["drawn_by"] == "review_center1"
        and record["seed"] == team["seed"]
    )
    assert [c["name"] for c in record["candidates"]] == ["评审员0", "评审员1", "评审员2"]
    assert record["result"]["team"] == team["team"] and record["business_key"] == drawn["business_key"]


def test_replay_recomputes_the_same_result_and_is_audited(app, client, auth, drawn):
    draw_id = drawn["variables"]["review_team"]["draw_id"]
    response = client.post(f"/api/v1/draws/{draw_id}/replay", headers=auth.headers("supervisor"))
    assert response.status_code == 200
    assert response.json["matches"] is True and response.json["recomputed"] == response.json["recorded"]
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "draw_replayed"))
    assert (event.actor, event.details["draw_id"], event.business_key) == (
        "supervisor1",
        draw_id,
        drawn["business_key"],
    )


def test_draws_are_hidden_from_uninvolved_groups_and_unknown_ids_are_404(client, auth, drawn):
    draw_id = drawn["variables"]["review_team"]["draw_id"]
    assert client.get(f"/api/v1/draws/{draw_id}", headers=auth.headers("clerk")).status_code == 403
    assert (
        client.post(f"/api/v1/draws/{draw_id}/replay", headers=auth.headers("applicant")).status_code == 403
    )
    assert client.get("/api/v1/draws/999", headers=auth.headers("admin")).status_code == 404


def test_assignments_list_the_drawn_seats(client, auth, drawn):
    response = client.get(
        f"/api/v1/registries/assignments?business_key={drawn['business_key']}", headers=auth.headers("clerk")
    )
    assert response.status_code == 200
    seats = response.json
    assert {s["status"] for s in seats} == {"pending"} and {s["role"] for s in seats} >= {"leader", "member"}
    assert len(seats) == len(drawn["variables"]["review_team"]["team"])


def test_replay_detects_a_tampered_record(app, client, auth, drawn):
    draw_id = drawn["variables"]["review_team"]["draw_id"]
    with app.app_context():
        record = db.session.get(DrawRecord, draw_id)
        record.result = {**record.result, "team": list(reversed(record.result["team"]))}
        db.session.commit()
    response = client.post(f"/api/v1/draws/{draw_id}/replay", headers=auth.headers("review_center"))
    assert response.status_code == 200 and response.json["matches"] is False


@pytest.mark.postgres
def test_replay_matches_after_a_jsonb_round_trip(client, auth, drawn):
    draw_id = drawn["variables"]["review_team"]["draw_id"]
    response = client.post(f"/api/v1/draws/{draw_id}/replay", headers=auth.headers("admin"))
    assert response.json["matches"] is True
