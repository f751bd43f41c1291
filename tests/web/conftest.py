"""Fixtures of the web UI tests: staff with passwords, and a browser-like client that logs in."""

from __future__ import annotations

import re

import pytest

from workflows.users import set_password

from ..factories import CaseDriver

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def password_of(name: str) -> str:
    return f"pw-{name}-secret"


class Browser:
    """A test client that keeps its session cookie, like one browser: logs in, reads the CSRF
    token of the last page and sends it with each form."""

    def __init__(self, app, auth):
        self.app, self.auth = app, auth
        self.client = app.test_client()
        self.token = None

    def get(self, path: str, **kwargs):
        response = self.client.get(path, **kwargs)
        if match := _CSRF.search(response.get_data(as_text=True)):
            self.token = match.group(1)
        return response

    def post(self, path: str, data: dict | None = None, csrf: bool = True, **kwargs):
        if csrf and self.token is None:
            self.get("/ui/login")
        body = {**(data or {}), **({"csrf_token": self.token} if csrf else {})}
        response = self.client.post(path, data=body, **kwargs)
        if match := _CSRF.search(response.get_data(as_text=True)):
            self.token = match.group(1)
        return response

    def log_out(self):
        response = self.post("/ui/logout")
        self.get("/ui/login")
        return response

    def log_in(self, group: str, name: str | None = None):
        """Create ``name`` (``<group>1``) with a password, log in, return the response."""
        name = name or f"{group}1"
        self.auth.token(group, name)
        with self.app.app_context():
            set_password(self.app.extensions["engine_config"], name, password_of(name))
        self.get("/ui/login")
        response = self.post("/ui/login", {"username": name, "password": password_of(name)})
        assert response.status_code == 302, response.get_data(as_text=True)
        self.get("/ui/inbox")  # the session is new: so is its CSRF token
        return response


@pytest.fixture
def browser(app, auth):
    return Browser(app, auth)


@pytest.fixture
def another_browser(app, auth):
    return Browser(app, auth)


@pytest.fixture
def cases(client, auth, deployed):
    return CaseDriver(client, auth)
