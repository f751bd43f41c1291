"""Without BPM_CLOCK=simulated there is no training clock; production databases refuse one."""

import pytest

from api import create_app


def test_a_real_clock_has_no_training_clock_routes(client, auth):
    assert client.get("/api/v1/admin/clock", headers=auth.headers("admin")).status_code == 404
    response = client.post("/api/v1/admin/clock/advance", json={"days": 1}, headers=auth.headers("admin"))
    assert response.status_code == 404


def test_a_postgresql_server_refuses_the_simulated_clock(monkeypatch):
    monkeypatch.setenv("BPM_CLOCK", "simulated")
    settings = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://bpm@127.0.0.1/bpm"}
    with pytest.raises(RuntimeError, match="BPM_ALLOW_SIMULATED_CLOCK"):
        create_app(settings)


def test_a_training_server_on_postgresql_may_allow_it(monkeypatch):
    monkeypatch.setenv("BPM_CLOCK", "simulated")
    monkeypatch.setenv("BPM_ALLOW_SIMULATED_CLOCK", "1")
    settings = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://bpm@127.0.0.1/bpm"}
    app = create_app(settings)
    assert type(app.extensions["engine_config"].clock).__name__ == "SimulatedClock"


def test_an_unknown_clock_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("BPM_CLOCK", "fast")
    with pytest.raises(RuntimeError, match="BPM_CLOCK"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite'}"})
