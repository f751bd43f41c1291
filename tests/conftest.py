"""Fixtures: the app over a database of each test's own (a SQLite file, or PostgreSQL for
@postgres tests), copied from a template (see ``tests/databases.py``), and its users."""

from __future__ import annotations

import os
from datetime import datetime

import pytest
from sqlalchemy.engine import make_url

from api import create_app
from api.database import db
from api.settings import database_uri
from workflows.clock import BUREAU_TZ, ManualClock
from workflows.config import EngineConfig
from workflows.users import create_user_token

from .databases import PostgresTemplates, SQLiteTemplates, create_schema
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


# The moment every test's clock starts at; the ``deployed`` template is deployed at it too.
START = datetime(2026, 3, 2, 9, 0, tzinfo=BUREAU_TZ)


def app_settings(database_url: str, clock) -> dict:
    """The configuration of the ``app`` fixture (and of the app building the templates)."""
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "ENGINE_CONFIG": EngineConfig(clock=clock),
    }


def deploy_shipped(client, auth) -> dict:
    """POST every shipped diagram and form; {key: process} as the deployment answers."""
    response = client.post(
        "/api/v1/deployments", data=multipart(shipped_files()), headers=auth.headers("designer")
    )
    assert response.status_code == 201, response.json
    return {p["key"]: p for p in response.json["processes"]}


def build_deployed(url: str) -> dict:
    """The ``deployed`` template: the schema, then the shipped files deployed by ``designer1``
    at ``START``, as the ``deployed`` fixture would deploy them in a test of its own."""
    create_schema(url)
    app = create_app(app_settings(url, ManualClock(START)))
    auth = Auth(app)
    processes = deploy_shipped(app.test_client(), auth)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return {"processes": processes, "tokens": auth.tokens}


TEMPLATES = {"schema": create_schema, "deployed": build_deployed}


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory):
    return SQLiteTemplates(tmp_path_factory.mktemp("templates"), TEMPLATES)


@pytest.fixture(scope="session")
def postgres_templates(postgres_server_url, tmp_path_factory):
    templates = PostgresTemplates(postgres_server_url, tmp_path_factory.mktemp("pg-templates"), TEMPLATES)
    yield templates
    templates.close()


@pytest.fixture
def database(request, tmp_path):
    """This test's own database (PostgreSQL for @postgres tests), a copy of the template it
    needs: with the shipped diagrams deployed when the test uses ``deployed``, else empty."""
    template = "deployed" if "deployed" in request.fixturenames else "schema"
    postgres = request.node.get_closest_marker("postgres")
    templates = request.getfixturevalue("postgres_templates" if postgres else "sqlite_templates")
    database = templates.copy(template, tmp_path)
    yield database
    templates.drop(database)


@pytest.fixture
def database_url(database):
    return database.url


@pytest.fixture
def postgres_url(request, database_url):
    """The PostgreSQL database of this (@postgres) test."""
    assert request.node.get_closest_marker("postgres"), "postgres_url is for @pytest.mark.postgres tests"
    return database_url


@pytest.fixture
def clock():
    return ManualClock(START)


@pytest.fixture
def app(database_url, clock):
    app = create_app(app_settings(database_url, clock))
    yield app
    with app.app_context():
        db.session.remove()
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
def deployed(database, client, auth, clock):
    """The shipped diagrams and forms, deployed as `make run` deploys them: {key: process}
    as POST /api/v1/deployments answers. Tests asking for it get a copy of the ``deployed``
    template, where that deployment was made by ``designer1`` at ``START``."""
    if database.template != "deployed":  # asked for late, with request.getfixturevalue
        return deploy_shipped(client, auth)
    assert clock.now() == START and not auth.tokens, (
        "the deployed template was deployed at START by the first user: ask for `deployed` "
        "before fixtures that move the clock or create users"
    )
    auth.tokens.update(database.extras["tokens"])
    return database.extras["processes"]
