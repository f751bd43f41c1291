"""The job executor with several workers on PostgreSQL: no timer fires twice, none is lost."""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import create_engine, func, select, text

from api.database import db
from workflows.clock import SystemClock
from workflows.config import EngineConfig
from workflows.jobs import executor as jobs
from workflows.persistence.models import AuditEvent, Job, ProcessInstance

from ..factories import ROOT, CaseDriver, data_file, multipart

pytestmark = pytest.mark.postgres


@pytest.fixture
def case(client, auth):
    files = multipart([data_file("bpmn/timer_wait.bpmn")])
    assert client.post("/api/v1/deployments", data=files, headers=auth.headers("designer")).status_code == 201
    return CaseDriver(client, auth)


def _counts(app):
    with app.app_context():
        fired = db.session.execute(
            select(AuditEvent.instance_id, func.count())
            .where(AuditEvent.action == "timer_fired")
            .group_by(AuditEvent.instance_id)
        ).all()
        completed = db.session.scalar(select(func.count()).where(ProcessInstance.status == "completed"))
        left = db.session.scalar(select(func.count()).select_from(Job))
    return dict(fired), completed, left


def test_two_workers_fire_200_timers_exactly_once(app, case, clock):
    ids = [case.start("timer_wait", variables={})["id"] for _ in range(200)]
    clock.advance(hours=2)
    config = app.extensions["engine_config"]
    barrier = threading.Barrier(2)
    ran = {}

    def worker(name):
        with app.app_context():
            barrier.wait()
            ran[name] = jobs.run_due_jobs(config, name, limit=10)

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("worker-a", "worker-b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    fired, completed, left = _counts(app)
    assert sorted(fired) == sorted(ids)
    assert set(fired.values()) == {1}
    assert (completed, left) == (200, 0)
    assert ran["worker-a"] + ran["worker-b"] == 200
    assert ran["worker-a"] > 0 and ran["worker-b"] > 0


def test_a_killed_worker_process_loses_its_lease_and_the_job_runs_once(app, case, postgres_url):
    iid = case.start("timer_wait", variables={})["id"]
    engine = create_engine(postgres_url)
    blocker = engine.connect()
    locked = blocker.begin()
    blocker.execute(text("SELECT id FROM process_instances WHERE id = :id FOR UPDATE"), {"id": iid})
    env = {
        **os.environ,
        "DATABASE_URL": postgres_url,
        "BPM_JOB_LEASE_SECONDS": "2",
        "BPM_WORKER_POLL_SECONDS": "0.2",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as probe:
            _wait_until(lambda: _blocked_on_lock(probe))
            lease = probe.execute(text("SELECT lease_owner FROM jobs")).scalar()
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        locked.rollback()
        blocker.close()
        engine.dispose()
    assert lease is not None
    time.sleep(2.5)
    config = EngineConfig(clock=SystemClock(), job_lease_seconds=2, sessions=db.session)
    with app.app_context():
        assert jobs.run_due_jobs(config, "worker-b") == 1
    fired, completed, left = _counts(app)
    assert (fired, completed, left) == ({iid: 1}, 1, 0)


def _blocked_on_lock(connection) -> bool:
    """Whether a backend waits for a lock (autocommit: a transaction would freeze the statistics)."""
    query = (
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    return connection.execute(text(query)).scalar() > 0


def _wait_until(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("condition not reached in time")
