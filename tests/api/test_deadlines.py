"""Due dates, oversight levels, the statutory clock and its pauses, incomplete calendars."""

import json
from datetime import datetime
from urllib.parse import quote

import pytest
from sqlalchemy import select

from api.database import db
from workflows.clock import BUREAU_TZ
from workflows.persistence.models import Job

from ..factories import DATA, CaseDriver, bpmn_document, multipart, run_worker


def at(*args):
    return datetime(*args, tzinfo=BUREAU_TZ)


@pytest.fixture
def case(client, auth, deployed):
    return CaseDriver(client, auth)


def test_task_shows_its_due_date_and_thresholds(case):
    task = case.start()["active_tasks"][0]
    assert task["deadline"] == "5WD"
    assert datetime.fromisoformat(task["due_at"]) == at(2026, 3, 9, 23, 59, 59, 999999)
    assert datetime.fromisoformat(task["remind_at"]) == at(2026, 3, 5, 12, 0)
    assert (task["level"], task["elapsed_share"]) == ("normal", 0.0)


@pytest.mark.parametrize(
    ("moment", "level"),
    [
        (at(2026, 3, 4, 9), "normal"),
        (at(2026, 3, 5, 13), "reminder"),
        (at(2026, 3, 7, 10), "warning"),
        (at(2026, 3, 10, 8), "alarm"),
    ],
)
def test_oversight_level_follows_the_clock(case, clock, moment, level):
    iid = case.start()["id"]
    clock.set(moment)
    assert case.task(iid, "accept_application", "clerk")["level"] == level


def test_supervisors_filter_all_open_tasks_by_level(client, auth, case, clock):
    late = case.start()["id"]
    clock.set(at(2026, 3, 3, 9))
    fresh = case.start()["id"]
    clock.set(at(2026, 3, 10, 8))
    overdue = client.get("/api/v1/tasks?overdue=true", headers=auth.headers("supervisor")).json
    assert [t["instance_id"] for t in overdue] == [late]
    warning = client.get("/api/v1/tasks?level=warning", headers=auth.headers("supervisor")).json
    assert [t["instance_id"] for t in warning] == [fresh]
    assert client.get("/api/v1/tasks?overdue=true", headers=auth.headers("approver")).json == []


def test_worklist_sorts_by_due_date_then_age(client, auth, case, clock):
    case.reviewer_pool()
    first = case.start()["id"]
    case.complete(first, "accept_application", "clerk", {"decision": "accept"})
    clock.advance(hours=20)
    second = case.start()["id"]
    case.complete(second, "accept_application", "clerk", {"decision": "accept"})
    case.team_review(second)
    clock.advance(hours=1)
    case.team_review(first)
    listed = client.get("/api/v1/tasks", headers=auth.headers("review_center")).json
    assert [t["instance_id"] for t in listed] == [first, second]
    assert listed[1]["created_at"] < listed[0]["created_at"]
    due_before = quote(listed[1]["due_at"])
    only_first = client.get(
        f"/api/v1/tasks?due_before={due_before}", headers=auth.headers("review_center")
    ).json
    assert [t["instance_id"] for t in only_first] == [first]


def test_statutory_clock_stands_still_from_acceptance_while_the_review_runs(case, clock):
    case.reviewer_pool()
    clock.set(at(2026, 2, 2, 9))
    iid = case.start()["id"]
    case.complete(iid, "accept_application", "clerk", {"decision": "accept"})
    accepted = case.instance(iid)
    assert accepted["statutory_limit"] == "20WD"
    assert accepted["clock_paused"] is True
    clock.set(at(2026, 2, 3, 10))
    case.team_review(iid)
    clock.set(at(2026, 2, 26, 15))
    case.complete(iid, "technical_review", "review_center", {"conclusion": "conforms"})
    resumed = case.instance(iid)
    assert resumed["clock_paused"] is False
    assert [p["element_id"] for p in resumed["clock_pauses"]] == ["assign_review_team", "technical_review"]
    assert datetime.fromisoformat(resumed["clock_pauses"][0]["from"]) == at(2026, 2, 2, 9)
    assert datetime.fromisoformat(resumed["clock_pauses"][-1]["to"]) == at(2026, 2, 26, 15)
    # paused 13 working days across the Spring Festival (3-6, 9-13, 14 make-up, 24-26 February):
    # 20WD from acceptance (6 March) become 33WD
    assert datetime.fromisoformat(accepted["statutory_due_at"]) == at(2026, 3, 6, 23, 59, 59, 999999)
    assert datetime.fromisoformat(resumed["statutory_due_at"]) == at(2026, 3, 25, 23, 59, 59, 999999)


def test_technical_review_time_is_not_counted(case, clock):
    case.reviewer_pool()
    iid = case.start()["id"]
    case.complete(iid, "accept_application", "clerk", {"decision": "accept"})
    assert case.instance(iid)["clock_pauses"][0]["element_id"] == "assign_review_team"
    case.team_review(iid)
    clock.advance(days=14)
    during = case.instance(iid)
    assert during["clock_paused"] is True
    assert [p["element_id"] for p in during["clock_pauses"]] == ["assign_review_team", "technical_review"]
    case.complete(iid, "technical_review", "review_center", {"conclusion": "conforms"})
    assert case.instance(iid)["clock_paused"] is False


def test_technical_review_limit_counts_from_acceptance(case, clock):
    case.reviewer_pool()
    iid = case.start()["id"]
    case.complete(iid, "accept_application", "clerk", {"decision": "accept"})
    clock.advance(days=1)
    case.team_review(iid)
    task = case.task(iid, "technical_review", "review_center")
    assert datetime.fromisoformat(task["clock_started_at"]) == at(2026, 3, 2, 9)
    assert datetime.fromisoformat(task["due_at"]) == at(2026, 4, 14, 23, 59, 59, 999999)


def test_a_reviewer_sees_the_3wd_confirmation_limit_on_the_task(case, app):
    case.reviewer_pool()
    iid = case.start()["id"]
    case.complete(iid, "accept_application", "clerk", {"decision": "accept"})
    task = case.mine(iid, "confirm_seat", "reviewer", "expert1")
    assert task["deadline"] == "3WD"
    assert datetime.fromisoformat(task["due_at"]) == at(2026, 3, 5, 23, 59, 59, 999999)
    assert task["level"] == "normal" and datetime.fromisoformat(task["warn_at"]) == at(2026, 3, 5, 9, 36)
    with app.app_context():
        timer = db.session.scalar(
            select(Job).where(Job.payload["element_id"].as_string() == "confirmation_deadline")
        )
    assert timer.due_at == datetime.fromisoformat(task["due_at"])


STEP_WITH_A_LIMIT = bpmn_document(
    """
  <bpmn:process id="step_limit" isExecutable="true" camunda:candidateStarterGroups="clerk">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="step" />
    <bpmn:subProcess id="step">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="deadline" value="2WD" />
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:startEvent id="step_start" />
      <bpmn:sequenceFlow id="s1" sourceRef="step_start" targetRef="draft" />
      <bpmn:userTask id="draft" camunda:candidateGroups="clerk" />
      <bpmn:sequenceFlow id="s2" sourceRef="draft" targetRef="sign" />
      <bpmn:userTask id="sign" camunda:candidateGroups="clerk" />
      <bpmn:sequenceFlow id="s3" sourceRef="sign" targetRef="check" />
      <bpmn:userTask id="check" camunda:candidateGroups="clerk">
        <bpmn:extensionElements><spiffworkflow:properties>
          <spiffworkflow:property name="deadline" value="3WD" />
        </spiffworkflow:properties></bpmn:extensionElements>
      </bpmn:userTask>
      <bpmn:sequenceFlow id="s4" sourceRef="check" targetRef="step_end" />
      <bpmn:endEvent id="step_end" />
    </bpmn:subProcess>
    <bpmn:sequenceFlow id="f2" sourceRef="step" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>"""
)


def test_tasks_inside_a_step_with_a_limit_are_due_when_the_step_is(client, auth, case, clock):
    deployed = client.post(
        "/api/v1/deployments",
        data=multipart([("step_limit.bpmn", STEP_WITH_A_LIMIT)]),
        headers=auth.headers("designer"),
    )
    assert deployed.status_code == 201, deployed.json
    iid = case.start("step_limit", variables={})["id"]
    step_due = at(2026, 3, 4, 23, 59, 59, 999999)  # 2WD after Monday 2 March
    assert datetime.fromisoformat(case.task(iid, "draft", "clerk")["due_at"]) == step_due
    clock.set(at(2026, 3, 3, 15))
    case.complete(iid, "draft", "clerk", {})
    signing = case.task(iid, "sign", "clerk")
    assert (signing["deadline"], datetime.fromisoformat(signing["due_at"])) == ("2WD", step_due)
    case.complete(iid, "sign", "clerk", {})
    checking = case.task(iid, "check", "clerk")  # a limit of its own wins
    assert datetime.fromisoformat(checking["due_at"]) == at(2026, 3, 6, 23, 59, 59, 999999)
    assert datetime.fromisoformat(checking["clock_started_at"]) == at(2026, 3, 3, 15)


def test_deadline_into_a_year_without_data_is_flagged_then_recomputed_on_load(client, auth, case, clock, app):
    clock.set(at(2026, 12, 28, 9))
    started = case.start()
    task = started["active_tasks"][0]
    assert task["calendar_incomplete"] is True
    assert started["calendar_incomplete"] is True
    assert datetime.fromisoformat(task["due_at"]).date().isoformat() == "2027-01-04"
    flagged = client.get("/api/v1/admin/calendar/incomplete", headers=auth.headers("admin")).json
    assert [t["id"] for t in flagged["tasks"]] == [task["id"]]
    assert [i["id"] for i in flagged["instances"]] == [started["id"]]
    schedule = json.loads((DATA / "calendar" / "2027.json").read_text())
    loaded = client.put("/api/v1/admin/calendar/years/2027", json=schedule, headers=auth.headers("admin"))
    assert loaded.status_code == 200, loaded.json
    assert loaded.json["tasks_recomputed"] == 1
    recomputed = case.instance(started["id"])
    assert recomputed["calendar_incomplete"] is False
    assert recomputed["active_tasks"][0]["calendar_incomplete"] is False
    assert datetime.fromisoformat(recomputed["active_tasks"][0]["due_at"]).date().isoformat() == "2027-01-05"
    with app.app_context():
        warn_job = db.session.scalars(
            select(Job).where(Job.dedup_key.like("timer:%")).order_by(Job.due_at)
        ).first()
    assert warn_job.due_at.astimezone(BUREAU_TZ).date().isoformat() == "2027-01-04"
    assert client.get("/api/v1/admin/calendar/incomplete", headers=auth.headers("admin")).json["tasks"] == []


def test_loading_a_schedule_needs_admin_and_valid_dates(client, auth):
    body = {"year": 2027, "source": "x", "holidays": {"春节": ["2027-02-31"]}, "workdays": ["2027-02-17"]}
    assert (
        client.put("/api/v1/admin/calendar/years/2027", json=body, headers=auth.headers("clerk")).status_code
        == 403
    )
    response = client.put("/api/v1/admin/calendar/years/2027", json=body, headers=auth.headers("admin"))
    assert response.status_code == 422
    assert sorted(e["pointer"] for e in response.json["errors"]) == ["/holidays/春节/0", "/workdays/0"]


def test_calendar_load_command_is_audited(app, client, auth):
    result = app.test_cli_runner().invoke(args=["calendar", "load", str(DATA / "calendar" / "2027.json")])
    assert result.exit_code == 0, result.output
    assert "loaded 2027" in result.output
    years = client.get("/api/v1/admin/calendar/years", headers=auth.headers("admin")).json
    assert [(y["year"], y["loaded_by"]) for y in years] == [(2027, "setup")]


def test_working_day_calculator(client, auth):
    response = client.get(
        "/api/v1/calendar/working-days?start=2026-02-12T10:00:00%2B08:00&days=3",
        headers=auth.headers("clerk"),
    )
    assert response.json["day"] == "2026-02-24"
    assert response.json["complete"] is True


def test_reminder_at_warning_and_supervision_when_overdue(client, auth, case, clock, app):
    iid = case.start()["id"]
    clock.set(at(2026, 3, 7, 10))
    assert run_worker(app) == 1
    notices = client.get("/api/v1/notifications", headers=auth.headers("clerk")).json
    assert len(notices) == 1
    assert notices[0]["kind"] == "reminder" and notices[0]["instance_id"] == iid
    assert case.active(iid) == ["accept_application"]
    clock.set(at(2026, 3, 10, 8))
    assert run_worker(app) == 1
    assert case.active(iid) == ["accept_application", "supervise_accept"]
    supervision = case.task(iid, "supervise_accept", "supervisor")
    assert supervision["candidate_groups"] == ["supervisor"]
    case.complete(iid, "supervise_accept", "supervisor", {"measure": "urged"})
    case.complete(iid, "accept_application", "clerk", {"decision": "accept"})
    assert case.active(iid) == ["resolve_draw"]
    history = [
        e["action"]
        for e in client.get(f"/api/v1/process-instances/{iid}/history", headers=auth.headers("admin")).json
    ]
    assert history.count("timer_fired") == 2


def test_a_claimed_task_reminds_its_assignee(client, auth, case, clock, app):
    iid = case.start()["id"]
    task = case.task(iid, "accept_application", "clerk")
    client.post(f"/api/v1/tasks/{task['id']}/claim", headers=auth.headers("clerk", "clerk2"))
    clock.set(at(2026, 3, 7, 10))
    run_worker(app)
    assert [
        n["recipient_user"]
        for n in client.get("/api/v1/notifications", headers=auth.headers("clerk", "clerk2")).json
    ] == ["clerk2"]
    assert client.get("/api/v1/notifications", headers=auth.headers("clerk")).json == []


def test_completing_in_time_cancels_the_escalation_timers(client, auth, case, clock, app):
    iid = case.start()["id"]
    case.complete(iid, "accept_application", "clerk", {"decision": "refuse", "reason": "材料不属实"})
    clock.set(at(2026, 3, 20))
    assert run_worker(app) == 0
    with app.app_context():
        assert db.session.scalars(select(Job).where(Job.instance_id == iid)).all() == []


def test_rectification_past_its_limit_counts_as_ineffective(case, clock, app):
    case.reviewer_pool()
    iid = case.start()["id"]
    case.complete(iid, "accept_application", "clerk", {"decision": "accept"})
    case.team_review(iid, "basically_conforms", "x")
    case.complete(
        iid, "technical_review", "review_center", {"conclusion": "basically_conforms", "findings": "x"}
    )
    assert case.active(iid) == ["rectify"]
    clock.advance(days=60)
    run_worker(app)
    instance = case.instance(iid)
    assert [t["bpmn_id"] for t in instance["active_tasks"]] == ["decide"]
    assert instance["variables"]["rectification_late"] is True
    assert instance["variables"]["effective"] is False


def test_suspended_case_timers_wait_for_resume(client, auth, case, clock, app):
    iid = case.start()["id"]
    client.post(
        f"/api/v1/process-instances/{iid}/suspend", json={"reason": "核查"}, headers=auth.headers("admin")
    )
    clock.set(at(2026, 3, 10, 8))
    assert run_worker(app) == 0
    client.post(
        f"/api/v1/process-instances/{iid}/resume", json={"reason": "核查完毕"}, headers=auth.headers("admin")
    )
    assert run_worker(app) == 2
    assert case.active(iid) == ["accept_application", "supervise_accept"]
