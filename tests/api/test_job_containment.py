"""Whatever a job does, the worker goes on; a job that keeps failing becomes an incident."""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import select

from api.database import db
from workflows.jobs import executor as jobs
from workflows.persistence.models import AuditEvent, Job, ProcessInstance

from ..factories import ROOT, CaseDriver, bpmn_document, multipart, run_worker


def _exits(config, uow, job):
    raise SystemExit(3)


def _interrupts(config, uow, job):
    raise KeyboardInterrupt


def _succeeds(config, uow, job):
    job.payload = {"ran": True}


for _kind, _handler in (("exits", _exits), ("interrupts", _interrupts), ("succeeds", _succeeds)):
    jobs.register_handler(_kind, _handler)


def timer_script_process(key: str, script: str) -> bytes:
    """start -> one-hour timer -> script `compute` -> end."""
    return bpmn_document(
        f"""
  <bpmn:process id="{key}" isExecutable="true" camunda:candidateStarterGroups="clerk">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait_hour" />
    <bpmn:intermediateCatchEvent id="wait_hour">
      <bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait_hour" targetRef="compute" />
    <bpmn:scriptTask id="compute"><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f3" sourceRef="compute" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>"""
    )


def _add_job(app, kind, due) -> int:
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


@pytest.mark.parametrize(("kind", "error"), [("exits", "SystemExit"), ("interrupts", "KeyboardInterrupt")])
def test_a_job_that_raises_an_exit_becomes_an_incident_and_the_worker_goes_on(
    app, client, auth, clock, kind, error
):
    poison = _add_job(app, kind, clock.now())
    config = app.extensions["engine_config"]
    for _ in range(config.job_max_attempts):
        clock.advance(days=1)
        healthy = _add_job(app, "succeeds", clock.now())
        assert run_worker(app) == 2
        with app.app_context():
            assert db.session.get(Job, healthy) is None
    incidents = client.get("/api/v1/incidents", headers=auth.headers("admin")).json
    assert [(i["id"], i["attempts"]) for i in incidents] == [(poison, config.job_max_attempts)]
    assert error in incidents[0]["last_error"]
    with app.app_context():
        opened = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "incident_opened")).all()
    assert [e.details["job_id"] for e in opened] == [poison]


def test_a_job_whose_worker_dies_each_time_becomes_an_incident(app, client, auth, clock):
    poison = _add_job(app, "succeeds", clock.now())
    config = app.extensions["engine_config"]
    with app.app_context():
        for attempt in range(config.job_max_attempts):
            assert jobs.claim_due_jobs(config, f"worker-killed-{attempt}") == [poison]
            clock.advance(seconds=config.job_lease_seconds + 1)
        assert jobs.claim_due_jobs(config, "worker-b") == []
    incidents = client.get("/api/v1/incidents", headers=auth.headers("admin")).json
    assert [(i["id"], i["attempts"]) for i in incidents] == [(poison, config.job_max_attempts)]
    assert "stopped" in incidents[0]["last_error"]


def test_a_job_taken_over_once_still_runs(app, clock):
    job_id = _add_job(app, "succeeds", clock.now())
    config = app.extensions["engine_config"]
    with app.app_context():
        assert jobs.claim_due_jobs(config, "worker-killed") == [job_id]
        clock.advance(seconds=config.job_lease_seconds + 1)
        assert jobs.claim_due_jobs(config, "worker-b") == [job_id]
        assert jobs.run_job(config, "worker-b", job_id) == "done"
        assert db.session.get(Job, job_id) is None


def _statuses(app, ids) -> dict:
    with app.app_context():
        rows = db.session.scalars(select(ProcessInstance).where(ProcessInstance.id.in_(ids))).all()
        return {r.id: (r.status, (r.error or {}).get("message", "")) for r in rows}


@contextmanager
def worker_process(database_url: str, **settings: str):
    """``flask jobs run`` on the test database (killed at the end if still running)."""
    env = {**os.environ, "DATABASE_URL": database_url, "BPM_WORKER_POLL_SECONDS": "0.2", **settings}
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield worker
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=10)


def _leased(app) -> bool:
    with app.app_context():
        return db.session.scalar(select(Job.id).where(Job.lease_owner.is_not(None))) is not None


def _wait_until(condition, worker, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert worker.poll() is None, "the worker process ended"
        assert time.monotonic() < deadline, "not reached in time"
        time.sleep(0.1)


def _deploy_timers(client, auth, **scripts: str) -> None:
    files = [(f"{key}.bpmn", timer_script_process(key, script)) for key, script in scripts.items()]
    response = client.post("/api/v1/deployments", data=multipart(files), headers=auth.headers("designer"))
    assert response.status_code == 201, response.json


@pytest.mark.timeout(120)
def test_the_worker_process_stops_runaway_hungry_and_exiting_scripts_and_goes_on(
    app, client, auth, database_url
):
    _deploy_timers(
        client, auth, spin="while True:\n    pass", leave="raise SystemExit", hog="x = ' '.ljust(10**9)"
    )
    case = CaseDriver(client, auth)
    ids = [case.start(key, variables={})["id"] for key in ("leave", "spin", "hog", "leave")]
    limits = {"BPM_SCRIPT_TIME_LIMIT_SECONDS": "0.5", "BPM_SCRIPT_MEMORY_LIMIT_MB": "64"}
    with worker_process(database_url, **limits) as worker:
        _wait_until(lambda: all(s == "error" for s, _ in _statuses(app, ids).values()), worker)
        statuses = _statuses(app, ids)
        assert "SystemExit" in statuses[ids[0]][1]
        assert "longer than its 0.5 s limit" in statuses[ids[1]][1]
        assert "more than 64 MB" in statuses[ids[2]][1]
        time.sleep(0.5)
        assert worker.poll() is None


@pytest.mark.timeout(120)
def test_sigterm_stops_the_worker_process_once_a_runaway_script_reaches_its_limit(
    app, client, auth, database_url
):
    _deploy_timers(client, auth, spin="while True:\n    pass")
    iid = CaseDriver(client, auth).start("spin", variables={})["id"]
    with worker_process(database_url, BPM_SCRIPT_TIME_LIMIT_SECONDS="3") as worker:
        _wait_until(lambda: _leased(app), worker)
        stopping = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
        assert time.monotonic() - stopping < 3 + 3
    assert _statuses(app, [iid])[iid][0] == "error"
