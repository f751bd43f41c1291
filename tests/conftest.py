"""Fixtures: a fresh database per test (SQLite file, or PostgreSQL for @postgres tests)."""

from __future__ import annotations

import os
import uuid
from datetime import datetime

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from api import create_app
from api.database import db
from api.settings import database_uri
from workflows.clock import BUREAU_TZ, ManualClock
from workflows.config import EngineConfig
from workflows.users import create_user_token

from .factories import credit_code, multipart, shipped_files

GROUPS = [
    "clerk",
    "applicant",
    "review_center",
    "approver",
    "designer",
    "admin",
    "reviewer",
    "team_leader",
    "inspector",
    "case_officer",
    "bureau_head",
    "supervisor",
]


@pytest.fixture(scope="session")
def postgres_server_url():
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("no PostgreSQL URL given (set TEST_DATABASE_URL)")
    return make_url(database_uri(url))


@pytest.fixture(scope="session")
def postgres_url(postgres_server_url):
    """A database of this test session's own, created now and dropped at the end."""
    name = f"bpm_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield postgres_server_url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def clock():
    return ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=BUREAU_TZ))


@pytest.fixture
def database_url(request, tmp_path):
    if request.node.get_closest_marker("postgres"):
        return request.getfixturevalue("postgres_url")
    return f"sqlite:///{tmp_path / 'test.sqlite'}"


@pytest.fixture
def app(database_url, clock, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "ENGINE_CONFIG": EngineConfig(clock=clock),
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        if database_url.startswith("postgresql"):
            db.drop_all()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


# The institution ``applicant1`` and other applicants created without one are bound to.
APPLICANT_CODE = credit_code(seed=1)


class Auth:
    """One user per group (``clerk1`` in ``clerk`` ...) and their headers; applicants are
    bound to ``institution`` (default ``APPLICANT_CODE``)."""

    def __init__(self, app):
        self.app = app
        self.tokens = {}

    def token(self, group: str, name: str | None = None, institution: str | None = None) -> str:
        name = name or f"{group}1"
        if name not in self.tokens:
            if group == "applicant":
                institution = institution or APPLICANT_CODE
            with self.app.app_context():
                self.tokens[name] = create_user_token(
                    self.app.extensions["engine_config"], name, [group], institution=institution
                )
        return self.tokens[name]

    def headers(self, group: str, name: str | None = None, institution: str | None = None) -> dict:
        return {"Authorization": f"Bearer {self.token(group, name, institution)}"}

    def applicant(self, institution: str) -> dict:
        """The headers of the applicant account bound to ``institution``."""
        return self.headers("applicant", f"applicant_{institution}", institution)


@pytest.fixture
def auth(app):
    return Auth(app)


@pytest.fixture
def deployed(client, auth):
    """The shipped diagrams and forms, deployed as `make run` deploys them."""
    response = client.post(
        "/api/v1/deployments", data=multipart(shipped_files()), headers=auth.headers("designer")
    )
    assert response.status_code == 201, response.json
    return {p["key"]: p for p in response.json["processes"]}
