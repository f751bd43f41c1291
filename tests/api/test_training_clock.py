"""The training clock (BPM_CLOCK=simulated): advancing it fires what falls due, as it would."""

import pytest

from api import create_app
from api.database import db

from ..conftest import app_settings
from ..factories import CaseDriver

CLOCK = "/api/v1/admin/clock"


@pytest.fixture
def app(database_url, clock):
    app = create_app({**app_settings(database_url, clock), "BPM_CLOCK": "simulated"})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def case(client, auth, deployed):
    return CaseDriver(client, auth)


def advance(client, auth, **body):
    response = client.post(f"{CLOCK}/advance", json=body, headers=auth.headers("admin"))
    assert response.status_code == 200, response.json
    return response.json


def test_advancing_turns_the_acceptance_task_late_and_raises_the_escalation(client, auth, case):
    iid = case.start()["id"]
    assert case.task(iid, "accept_application", "clerk")["level"] == "normal"
    moved = advance(client, auth, until="2026-03-07T10:00:00+08:00")
    assert moved["now"].startswith("2026-03-07T10:00:00")
    assert case.task(iid, "accept_application", "clerk")["level"] == "warning"
    moved = advance(client, auth, days=3)
    assert moved["jobs_run"] >= 1
    assert case.task(iid, "accept_application", "clerk")["level"] == "alarm"
    assert case.active(iid) == ["accept_application", "supervise_accept"]
    history = client.get(f"/api/v1/process-instances/{iid}/history", headers=auth.headers("admin")).json
    assert "timer_fired" in [e["action"] for e in history]


def test_the_clock_reads_back_with_its_offset(client, auth, deployed):
    advance(client, auth, days=2)
    clock = client.get(CLOCK, headers=auth.headers("admin")).json
    assert clock["offset_seconds"] == 2 * 86400
    assert clock["now"].startswith("2026-03-04T09:00:00")


def test_a_clock_that_would_go_back_is_422(client, auth, deployed):
    response = client.post(
        f"{CLOCK}/advance", json={"until": "2026-03-01T09:00:00+08:00"}, headers=auth.headers("admin")
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["pointer"] == "/until"


def test_days_and_until_together_are_422(client, auth, deployed):
    body = {"days": 1, "until": "2026-04-01T09:00:00+08:00"}
    assert client.post(f"{CLOCK}/advance", json=body, headers=auth.headers("admin")).status_code == 422


def test_only_administrators_move_the_clock(client, auth, deployed):
    response = client.post(f"{CLOCK}/advance", json={"days": 1}, headers=auth.headers("supervisor"))
    assert response.status_code == 403
