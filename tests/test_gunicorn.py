"""Whatever escapes the application still leaves as a JSON problem with a request id."""

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
import requests

from .factories import ROOT, bpmn_document, multipart


def script_process(key: str, script: str) -> bytes:
    return bpmn_document(
        f"""
  <bpmn:process id="{key}" isExecutable="true" camunda:candidateStarterGroups="clerk">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="compute" />
    <bpmn:scriptTask id="compute"><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="compute" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>"""
    )


def test_an_exit_escaping_the_application_answers_a_problem_and_still_exits(app, client, auth):
    @app.route("/api/v1/leave")
    def leave():
        raise SystemExit(1)

    response = client.get("/api/v1/leave", headers=auth.headers("clerk"))
    assert response.status_code == 500
    assert response.mimetype == "application/problem+json"
    assert response.json["request_id"]
    with pytest.raises(SystemExit):
        response.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, server, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn ended"
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer in time")


@contextmanager
def gunicorn(database_url: str, **settings: str):
    """A gunicorn server (one sync worker, a 2 s timeout) on the test database; yields its URL."""
    base = f"http://127.0.0.1:{_free_port()}"
    env = {**os.environ, "DATABASE_URL": database_url, **settings}
    command = [sys.executable, "-m", "gunicorn", "--workers", "1", "--timeout", "2"]
    server = subprocess.Popen(
        [*command, "--bind", base.removeprefix("http://"), "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(f"{base}/healthz", server)
        yield base, server
    finally:
        server.terminate()
        server.wait(timeout=30)


def _deploy(client, auth, name: str, content: bytes) -> None:
    response = client.post(
        "/api/v1/deployments", data=multipart([(name, content)]), headers=auth.headers("designer")
    )
    assert response.status_code == 201, response.json


@pytest.mark.timeout(120)
def test_a_request_gunicorn_aborts_at_its_timeout_answers_a_problem_with_a_request_id(
    client, auth, database_url
):
    _deploy(client, auth, "spin.bpmn", script_process("spin", "while True:\n    pass"))
    with gunicorn(database_url, BPM_SCRIPT_TIME_LIMIT_SECONDS="60") as (base, server):
        answer = requests.post(
            f"{base}/api/v1/process-definitions/spin/instances",
            json={},
            headers=auth.headers("clerk"),
            timeout=60,
        )
        assert answer.status_code == 500
        assert answer.headers["Content-Type"] == "application/problem+json"
        assert answer.json()["request_id"]
        _wait_for(f"{base}/healthz", server)
        listed = requests.get(
            f"{base}/api/v1/process-instances?process_key=spin", headers=auth.headers("admin"), timeout=10
        )
        assert listed.json() == []


@pytest.mark.timeout(120)
def test_a_script_past_its_memory_limit_in_a_gunicorn_worker_puts_its_case_in_error(
    client, auth, database_url
):
    _deploy(client, auth, "hog.bpmn", script_process("hog", "x = ' '.ljust(10**9)"))
    with gunicorn(database_url, BPM_SCRIPT_MEMORY_LIMIT_MB="64") as (base, _):
        answer = requests.post(
            f"{base}/api/v1/process-definitions/hog/instances",
            json={},
            headers=auth.headers("clerk"),
            timeout=60,
        )
        assert answer.status_code == 201
        assert answer.json()["status"] == "error"
        assert "more than 64 MB" in answer.json()["error"]["message"]
