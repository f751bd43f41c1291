"""A real server and the system Chromium for the browser tests.

The server is the application in a werkzeug server thread on a free port, over a fresh
SQLite database with the shipped diagrams deployed and the demo users (password
``demo-<name>``), pools and registries; its clock is a manual clock the tests move.
Chromium is Debian's ``chromium`` package, launched by path: Playwright never downloads a
browser here. Without it the tests skip, unless ``CI`` is set: then they fail.
"""

from __future__ import annotations

import os
import threading
from datetime import datetime
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from api import create_app
from api.cli import SETUP_ACTOR
from api.database import db
from api.demo import create_demo_records, create_demo_users
from workflows.clock import BUREAU_TZ, ManualClock
from workflows.config import EngineConfig
from workflows.deployments import deploy_definitions

from ..factories import shipped_files

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")


class Server:
    def __init__(self, app, clock):
        self.app, self.clock = app, clock
        self.http = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.http.server_port}"
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)

    @property
    def config(self):
        return self.app.extensions["engine_config"]


@pytest.fixture(scope="module")
def chromium():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium and fonts-noto-cjk (make browser)")
        pytest.skip(f"no {CHROMIUM} (make browser installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory, chromium):
    clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=BUREAU_TZ))
    database = tmp_path_factory.mktemp("browser") / "bpm.sqlite"
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "ENGINE_CONFIG": EngineConfig(clock=clock)}
    )
    with app.app_context():
        db.create_all()
        config = app.extensions["engine_config"]
        create_demo_users(config)
        deploy_definitions(config, SETUP_ACTOR, shipped_files())
        create_demo_records(config)
    running = Server(app, clock)
    running.thread.start()
    ARTIFACTS.mkdir(exist_ok=True)
    yield running
    running.http.shutdown()
    with app.app_context():
        db.engine.dispose()


class Staff:
    """One person in their own browser context (their own session cookie)."""

    def __init__(self, server, chromium, name: str):
        self.server, self.name = server, name
        self.context = chromium.new_context(viewport={"width": 1360, "height": 900}, locale="zh-CN")
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)

    def log_in(self) -> Staff:
        self.page.goto(self.server.url + "/")
        self.page.fill("#username", self.name)
        self.page.fill("#password", f"demo-{self.name}")
        self.page.click("form button.primary")
        self.page.wait_for_url("**/ui/inbox**")
        return self

    def goto(self, path: str):
        self.page.goto(self.server.url + path)
        return self.page

    def open_task(self, case_no: str, step: str):
        self.goto("/ui/inbox")
        row = self.page.locator("tbody tr", has_text=case_no).filter(has_text=step)
        row.locator("a").first.click()
        self.page.wait_for_selector("form.task-form")
        return self.page

    def choose(self, name: str, value: str):
        control = self.page.locator(f"select[name='{name}']")
        if control.count():
            control.select_option(value)
        else:
            self.page.check(f"input[name='{name}'][value='{value}']")

    def submit(self, expect_inbox: bool = True):
        self.page.click("button[name=_complete]")
        if expect_inbox:
            self.page.wait_for_url("**/ui/inbox**")
            self.page.wait_for_selector("p.flash")

    def shot(self, name: str):
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def close(self):
        self.context.close()


@pytest.fixture
def staff(server, chromium):
    opened = []

    def open_as(name: str) -> Staff:
        person = Staff(server, chromium, name)
        opened.append(person)
        return person.log_in()

    yield open_as
    for person in opened:
        person.close()
