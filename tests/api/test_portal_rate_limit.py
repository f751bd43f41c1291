"""The portal rate limit holds across gunicorn workers and nodes: the counters are shared."""

import socket
import time

import pytest
from sqlalchemy import func, select

from api import create_app
from api.database import db
from workflows.config import EngineConfig
from workflows.persistence.models import RateLimitCounter
from workflows.portal.clients import register_client

from .portal_support import SignedPortal

EVENTS = "/api/v1/portal/events"
REDIS_URI = "redis://127.0.0.1:6379"


def _redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


redis_only = pytest.mark.skipif(not _redis_reachable(), reason="no Redis server at 127.0.0.1:6379")
STORAGES = [
    "database://",
    pytest.param("database://", marks=pytest.mark.postgres, id="database-postgres"),
    pytest.param(REDIS_URI, marks=redis_only),
]


@pytest.fixture
def workers(request, database_url, clock, app):
    """Two app instances on one database, as two gunicorn workers (or two nodes) are."""
    storage = getattr(request, "param", "database://")
    if storage.startswith("redis"):
        pytest.importorskip("redis")
    apps = [
        create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": database_url,
                "ENGINE_CONFIG": EngineConfig(clock=clock),
                "BPM_PORTAL_RATE_LIMIT_STORAGE_URI": storage,
            }
        )
        for _ in range(2)
    ]
    yield apps
    for worker in apps:
        with worker.app_context():
            db.session.remove()
            db.engine.dispose()


def _portals(workers, clock, name="tj-zwfw"):
    with workers[0].app_context():
        client_id, secret = register_client(workers[0].extensions["engine_config"], name, None)
    return [SignedPortal(worker.test_client(), clock, client_id, secret) for worker in workers]


@pytest.mark.parametrize("workers", STORAGES, indirect=True)
def test_the_121st_request_across_two_workers_is_429(workers, clock):
    first, second = _portals(workers, clock)
    statuses = [(first if i % 2 else second).get(EVENTS).status_code for i in range(120)]
    assert statuses == [200] * 120
    limited = first.get(EVENTS)
    assert limited.status_code == 429
    assert limited.mimetype == "application/problem+json"
    assert 0 < int(limited.headers["Retry-After"]) <= 60
    assert second.get(EVENTS).status_code == 429


@pytest.mark.parametrize("workers", STORAGES, indirect=True)
def test_a_new_window_opens_when_the_last_one_ends(workers, clock):
    for worker in workers:
        worker.config["BPM_PORTAL_RATE_LIMIT"] = "2/second"
    first, second = _portals(workers, clock)
    assert [first.get(EVENTS).status_code, second.get(EVENTS).status_code] == [200, 200]
    limited = first.get(EVENTS)
    assert limited.status_code == 429
    time.sleep(float(limited.headers["X-RateLimit-Reset"]) - time.time() + 0.05)
    assert [second.get(EVENTS).status_code, first.get(EVENTS).status_code] == [200, 200]
    assert second.get(EVENTS).status_code == 429


def test_ended_windows_do_not_stay_in_the_database(workers, clock):
    for worker in workers:
        worker.config["BPM_PORTAL_RATE_LIMIT"] = "5/second"
    first, _ = _portals(workers, clock)
    other, _ = _portals(workers, clock, name="app-portal")
    assert [first.get(EVENTS).status_code, other.get(EVENTS).status_code] == [200, 200]
    time.sleep(1.1)
    assert first.get(EVENTS).status_code == 200
    with workers[0].app_context():
        keys = db.session.scalars(select(RateLimitCounter.key)).all()
        assert len(keys) == 1 and first.client_id in keys[0]
        assert db.session.scalar(select(func.count()).select_from(RateLimitCounter)) == 1


def test_memory_storage_remains_available_per_process(database_url, clock, app):
    worker = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "ENGINE_CONFIG": EngineConfig(clock=clock),
            "BPM_PORTAL_RATE_LIMIT_STORAGE_URI": "memory://",
            "BPM_PORTAL_RATE_LIMIT": "2/minute",
        }
    )
    [portal] = _portals([worker], clock)
    assert [portal.get(EVENTS).status_code for _ in range(3)] == [200, 200, 429]
    with worker.app_context():
        assert db.session.scalar(select(func.count()).select_from(RateLimitCounter)) == 0
