"""Review team draws on a real database: recusal, workload, declines and seat redraws."""

from datetime import date

import pytest
from sqlalchemy import select

from workflows.draws import drawing as random_draws
from workflows.draws.records import replay_draw
from workflows.engine.services import service_operations
from workflows.errors import Conflict
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import Assignment, AuditEvent, DrawRecord
from workflows.registries import records as registries
from workflows.users import Actor, create_user_token

from ..factories import credit_code

ADMIN = Actor("admin1", frozenset({"admin"}))
INSTITUTION = credit_code(7)


def add_person(config, name, fields=("食品",), can_lead=False, kind="reviewer", **extra) -> int:
    """A pool person with a staff account of their own."""
    username = "u" + name.encode().hex()
    create_user_token(config, username, ["reviewer"])
    values = {
        "name": name,
        "kind": kind,
        "fields": list(fields),
        "can_lead": can_lead,
        "username": username,
        **extra,
    }
    return registries.create_record(config, ADMIN, "people", values).id


def add_conflict(config, person_id, kind, start, end=None) -> None:
    values = {"credit_code": INSTITUTION, "kind": kind, "start_date": start, "end_date": end}
    registries.add_conflict(config, ADMIN, person_id, values)


def draw(config, fields=("食品",), key="CASE-1", **kwargs) -> dict:
    with UnitOfWork(config.sessions) as uow:
        result = random_draws.draw_review_team(uow, config, list(fields), INSTITUTION, key, **kwargs)
        uow.commit()
    return result


def record(config, draw_id) -> DrawRecord:
    return config.sessions().get(DrawRecord, draw_id)


def test_same_registry_state_and_seed_give_the_same_team_and_replay_matches(config):
    for n in range(6):
        add_person(config, f"R{n}", can_lead=n < 3, fields=["食品", "环境监测"][n % 2 :])
    first = draw(config, ("食品", "环境监测"), seed=2026)
    second = draw(config, ("食品", "环境监测"), key="CASE-2", seed=2026)
    assert first["team"] == second["team"] and first["seed"] == "2026"
    assert replay_draw(config, ADMIN, first["draw_id"])["matches"] is True


def test_conflicts_within_the_cooling_off_period_recuse_with_the_reason(config):
    recent = add_person(config, "近期咨询", can_lead=True)
    ongoing = add_person(config, "在职", can_lead=True)
    old = add_person(config, "四年前离职", can_lead=True)
    add_person(config, "组员")
    add_conflict(config, recent, "consulting", date(2020, 1, 1), date(2025, 3, 1))
    add_conflict(config, ongoing, "employment", date(2019, 5, 1))
    add_conflict(config, old, "employment", date(2015, 1, 1), date(2022, 3, 1))
    result = draw(config)
    assert result["team"][0]["person_id"] == old
    exclusions = {e["person_id"]: e for e in record(config, result["draw_id"]).exclusions}
    assert set(exclusions) == {recent, ongoing}
    assert exclusions[recent]["code"] == exclusions[ongoing]["code"] == "conflict"
    assert "冷静期" in exclusions[recent]["reason"] and "cooling-off" in exclusions[recent]["reason"]
    assert "2025-03-01" in exclusions[recent]["reason"] and "ongoing" in exclusions[ongoing]["reason"]


def test_inactive_people_and_people_without_a_matching_field_are_excluded(config):
    add_person(config, "组长", can_lead=True)
    add_person(config, "组员")
    idle = add_person(config, "停用", active=False)
    other = add_person(config, "建材专家", fields=["建材"], kind="expert")
    result = draw(config)
    codes = {e["person_id"]: e["code"] for e in record(config, result["draw_id"]).exclusions}
    assert codes == {idle: "inactive", other: "no_matching_field"}


def test_people_at_their_workload_limit_are_skipped_until_the_period_passes(config, clock):
    busy = add_person(config, "忙碌组长", can_lead=True, workload_limit=1)
    add_person(config, "组员")
    assert draw(config, key="CASE-1")["team"][0]["person_id"] == busy
    spare = add_person(config, "空闲组长", can_lead=True)
    second = draw(config, key="CASE-2")
    assert second["team"][0]["person_id"] == spare
    [excluded] = [e for e in record(config, second["draw_id"]).exclusions if e["person_id"] == busy]
    assert excluded["code"] == "over_workload" and "(1/1)" in excluded["reason"]
    clock.advance(days=config.workload_period_days + 1)
    third = draw(config, key="CASE-3")
    assert busy not in {e["person_id"] for e in record(config, third["draw_id"]).exclusions}


def test_a_declined_member_is_replaced_and_the_rest_of_the_team_kept(config):
    leader = add_person(config, "组长", can_lead=True, fields=["建材"])
    members = [add_person(config, f"组员{n}") for n in range(4)]
    first = draw(config, ("食品", "建材"), seed=1)
    decliner = first["team"][1]["person_id"]
    redraw = draw(config, ("食品", "建材"), exclude=[decliner], previous_draw_id=first["draw_id"], seed=1)
    assert redraw["ok"] and redraw["team"][0]["person_id"] == leader
    assert redraw["team"][1]["person_id"] in set(members) - {decliner}
    stored = record(config, redraw["draw_id"])
    assert stored.previous_draw_id == first["draw_id"] and stored.parameters["seat"] == "member"
    assert {"person_id": decliner, "code": "declined"}.items() <= stored.exclusions[0].items()
    seats = (
        config.sessions()
        .execute(select(Assignment.person_id, Assignment.status).order_by(Assignment.id))
        .all()
    )
    assert seats == [(leader, "pending"), (decliner, "declined"), (redraw["team"][1]["person_id"], "pending")]
    again = draw(config, ("食品", "建材"), key="CASE-1")
    assert decliner not in {m["person_id"] for m in again["team"]}


def test_an_impossible_team_reports_the_uncovered_field_and_assigns_nobody(config):
    add_person(config, "组长", can_lead=True)
    add_person(config, "组员", fields=["食品", "环境监测"])
    result = draw(config, ("食品", "电磁兼容"))
    assert result["ok"] is False and result["team"] == []
    assert result["uncovered_fields"] == ["电磁兼容"] and "电磁兼容" in result["problem"]
    assert record(config, result["draw_id"]).ok is False
    assert config.sessions().scalars(select(Assignment)).all() == []


def test_seat_responses_go_through_the_service_operation_and_are_audited(config):
    add_person(config, "组长", can_lead=True)
    add_person(config, "组员")
    result = draw(config)
    leader = result["team"][0]["person_id"]
    respond = {"draw_id": result["draw_id"], "person_id": leader}
    with UnitOfWork(config.sessions) as uow:
        confirmed = service_operations(config, uow, {})["set_assignment_status"](
            {}, status="confirmed", **respond
        )
        uow.commit()
    assert confirmed == {**respond, "status": "confirmed"}
    with pytest.raises(Conflict), UnitOfWork(config.sessions) as uow:
        service_operations(config, uow, {})["set_assignment_status"]({}, status="pending", **respond)
    event = config.sessions().scalar(select(AuditEvent).where(AuditEvent.action == "assignment_updated"))
    assert (event.actor, event.business_key, event.details["status"]) == ("system", "CASE-1", "confirmed")
