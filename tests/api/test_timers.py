"""BPMN timers driven by the job executor and the engine clock."""

from datetime import datetime

import pytest
from sqlalchemy import select

from api.database import db
from workflows.clock import BUREAU_TZ
from workflows.jobs import executor as jobs
from workflows.persistence.models import Job

from ..factories import CaseDriver, data_file, multipart, run_worker


def at(*args):
    return datetime(*args, tzinfo=BUREAU_TZ)


def deploy(client, auth, *names):
    response = client.post(
        "/api/v1/deployments",
        data=multipart([data_file(f"bpmn/{n}") for n in names]),
        headers=auth.headers("designer"),
    )
    assert response.status_code == 201, response.json


@pytest.fixture
def case(client, auth):
    return CaseDriver(client, auth)


def test_intermediate_timer_fires_when_the_clock_passes_it(client, auth, case, clock, app):
    deploy(client, auth, "timer_wait.bpmn")
    iid = case.start("timer_wait", variables={})["id"]
    clock.advance(minutes=59)
    assert run_worker(app) == 0
    assert case.instance(iid)["status"] == "running"
    clock.advance(minutes=2)
    assert run_worker(app) == 1
    instance = case.instance(iid)
    assert instance["status"] == "completed"
    assert datetime.fromisoformat(instance["variables"]["fired_at"]) == at(2026, 3, 2, 10, 1)


def test_timer_date_computed_in_working_days_skips_the_holiday(client, auth, case, clock, app):
    deploy(client, auth, "working_day_timer.bpmn")
    clock.set(at(2026, 2, 13, 9))
    iid = case.start("working_day_timer", variables={"received_at": "2026-02-13T09:00:00+08:00"})["id"]
    clock.set(at(2026, 2, 23, 12))
    run_worker(app)
    assert case.active(iid) == []
    clock.set(at(2026, 2, 25, 0, 1))  # 2 WD after Fri 13 Feb: Sat 14 (make-up), Tue 24
    run_worker(app)
    assert case.active(iid) == ["follow_up"]


def test_timer_start_event_starts_an_instance_per_cycle(client, auth, clock, app):
    deploy(client, auth, "timer_start.bpmn")

    def listed():
        return client.get(
            "/api/v1/process-instances?process_key=timer_start", headers=auth.headers("admin")
        ).json

    assert listed() == []
    clock.advance(hours=1, minutes=1)
    run_worker(app)
    assert len(listed()) == 1
    assert listed()[0]["started_by"] == "system"
    clock.advance(hours=1)
    run_worker(app)
    clock.advance(hours=5)
    run_worker(app)
    assert len(listed()) == 2


def test_redeploying_replaces_the_start_timer_of_the_old_version(client, auth, clock, app):
    deploy(client, auth, "timer_start.bpmn")
    changed = data_file("bpmn/timer_start.bpmn")[1].replace(b"R2/PT1H", b"R1/PT3H")
    client.post(
        "/api/v1/deployments",
        data=multipart([("timer_start.bpmn", changed)]),
        headers=auth.headers("designer"),
    )
    with app.app_context():
        [job] = db.session.scalars(select(Job).where(Job.kind == "start_timer")).all()
    assert job.due_at == at(2026, 3, 2, 12)


def _always_fails(config, uow, job):
    raise RuntimeError("the partner system is unreachable")


jobs.register_handler("always_fails", _always_fails)


def _add_job(app, kind, due):
    with app.app_context():
        job = Job(
            kind=kind,
            dedup_key=f"{kind}:{due.isoformat()}",
            payload={},
            due_at=due,
            created_at=due,
            updated_at=due,
        )
        db.session.add(job)
        db.session.commit()
        return job.id


def test_failing_job_retries_with_backoff_then_becomes_an_incident(client, auth, clock, app):
    job_id = _add_job(app, "always_fails", clock.now())
    config = app.extensions["engine_config"]
    for attempt in range(1, config.job_max_attempts + 1):
        clock.advance(days=1)
        assert run_worker(app) == 1
        with app.app_context():
            job = db.session.get(Job, job_id)
            assert job.attempts == attempt
            if attempt < config.job_max_attempts:
                assert job.state == "pending"
                delay = (job.due_at - clock.now()).total_seconds()
                assert 30 * 2 ** (attempt - 1) <= delay <= 30 * 2 ** (attempt - 1) * 1.25
    incidents = client.get("/api/v1/incidents", headers=auth.headers("admin")).json
    assert [(i["id"], i["attempts"]) for i in incidents] == [(job_id, config.job_max_attempts)]
    assert "unreachable" in incidents[0]["last_error"]
    assert client.get("/api/v1/incidents", headers=auth.headers("clerk")).status_code == 403
    retried = client.post(f"/api/v1/incidents/{job_id}/retry", headers=auth.headers("admin"))
    assert (retried.json["state"], retried.json["attempts"]) == ("pending", 0)
    assert client.post(f"/api/v1/incidents/{job_id}/retry", headers=auth.headers("admin")).status_code == 409


def test_a_dead_workers_job_is_taken_over_after_its_lease(client, auth, case, clock, app):
    deploy(client, auth, "timer_wait.bpmn")
    iid = case.start("timer_wait", variables={})["id"]
    clock.advance(hours=2)
    config = app.extensions["engine_config"]
    with app.app_context():
        [job_id] = jobs.claim_due_jobs(config, "worker-that-dies")
        assert jobs.claim_due_jobs(config, "worker-b") == []
    clock.advance(seconds=config.job_lease_seconds + 1)
    with app.app_context():
        assert jobs.claim_due_jobs(config, "worker-b") == [job_id]
        assert jobs.run_job(config, "worker-b", job_id) == "done"
        assert jobs.run_job(config, "worker-that-dies", job_id) == "lost"
    assert case.instance(iid)["status"] == "completed"
    history = client.get(f"/api/v1/process-instances/{iid}/history", headers=auth.headers("admin")).json
    assert [e["action"] for e in history].count("timer_fired") == 1


def test_jobs_run_once_command(client, auth, case, clock, app):
    deploy(client, auth, "timer_wait.bpmn")
    iid = case.start("timer_wait", variables={})["id"]
    clock.advance(hours=2)
    result = app.test_cli_runner().invoke(args=["jobs", "run", "--once"])
    assert result.output.strip() == "ran 1 jobs"
    assert case.instance(iid)["status"] == "completed"
