"""`flask backup create|restore`: a backup taken while cases are being started holds every case
committed before it began, nothing half-written, and restores to a working service."""

from __future__ import annotations

import sqlite3
import threading
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from api import create_app
from api.database import db

from .conftest import app_settings
from .factories import multipart, one_task_process

INSTANCES = "/api/v1/process-definitions/load/instances"


class Load:
    """Starts cases from a thread of its own until stopped; ``committed`` lists each case the
    server answered 201 for, in order."""

    def __init__(self, app, headers):
        self.client, self.headers = app.test_client(), headers
        self.committed: list[str] = []
        self.failures: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            body = {"business_key": f"LOAD-{uuid.uuid4().hex[:8]}", "variables": {}}
            response = self.client.post(INSTANCES, json=body, headers=self.headers)
            if response.status_code == 201:
                self.committed.append(response.json["id"])
            else:
                self.failures.append(response.status_code)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=60)

    def wait_for(self, count: int) -> None:
        while len(self.committed) < count and self._thread.is_alive():
            self._stop.wait(0.01)


def _loaded_app(client, auth):
    response = client.post(
        "/api/v1/deployments",
        data=multipart([("load.bpmn", one_task_process("load"))]),
        headers=auth.headers("designer"),
    )
    assert response.status_code == 201, response.json
    return auth.headers("clerk")


def _backup_during_load(app, client, auth, target):
    headers = _loaded_app(client, auth)
    with Load(app, headers) as load:
        load.wait_for(20)
        before = list(load.committed)
        result = app.test_cli_runner().invoke(args=["backup", "create", str(target)])
        assert result.exit_code == 0, result.output
        load.wait_for(len(before) + 20)
    assert not load.failures, load.failures
    return set(before), set(load.committed)


def _case_ids(url: str) -> set[str]:
    engine = create_engine(url)
    with engine.connect() as connection:
        ids = set(connection.scalars(text("SELECT id FROM process_instances")))
    engine.dispose()
    return ids


def test_a_sqlite_backup_taken_under_load_holds_every_case_committed_before_it(app, client, auth, tmp_path):
    target = tmp_path / "backup.sqlite"
    before, committed = _backup_during_load(app, client, auth, target)
    backed_up = _case_ids(f"sqlite:///{target}")
    assert before <= backed_up <= committed
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_restored_sqlite_backup_serves_its_cases_and_takes_new_ones(app, client, auth, tmp_path):
    target = tmp_path / "backup.sqlite"
    _, committed = _backup_during_load(app, client, auth, target)
    backed_up = _case_ids(f"sqlite:///{target}")
    result = app.test_cli_runner().invoke(args=["backup", "restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.session.remove()
    assert _case_ids(app.config["SQLALCHEMY_DATABASE_URI"]) == backed_up
    listed = client.get("/api/v1/process-instances?page_size=100", headers=auth.headers("clerk"))
    assert listed.status_code == 200
    started = client.post(
        INSTANCES, json={"business_key": "AFTER", "variables": {}}, headers=auth.headers("clerk")
    )
    assert started.status_code == 201, started.json
    assert committed - backed_up, "the load went on after the backup"


def test_restoring_needs_confirmation(app, tmp_path):
    target = tmp_path / "backup.sqlite"
    assert app.test_cli_runner().invoke(args=["backup", "create", str(target)]).exit_code == 0
    result = app.test_cli_runner().invoke(args=["backup", "restore", str(target)])
    assert result.exit_code != 0
    assert "--yes" in result.output


@pytest.mark.postgres
def test_a_postgres_backup_taken_under_load_restores_every_committed_case(
    app, client, auth, tmp_path, postgres_server_url, clock
):
    target = tmp_path / "backup.dump"
    before, committed = _backup_during_load(app, client, auth, target)
    name = f"bpm_restore_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    restored_url = make_url(postgres_server_url).set(database=name).render_as_string(hide_password=False)
    try:
        restored = create_app(app_settings(restored_url, clock))
        result = restored.test_cli_runner().invoke(args=["backup", "restore", str(target), "--yes"])
        assert result.exit_code == 0, result.output
        backed_up = _case_ids(restored_url)
        assert before <= backed_up <= committed
        with restored.app_context():
            db.engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
