"""In training mode an administrator reminds a case's clerks and advances the clock (browser)."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from playwright.sync_api import expect

from api import create_app
from api.cli import SETUP_ACTOR
from api.database import db
from api.demo import create_demo_records, create_demo_users
from workflows.clock import BUREAU_TZ, ManualClock
from workflows.config import EngineConfig
from workflows.deployments import deploy_definitions
from workflows.instances import start_instance
from workflows.users import Actor

from ..factories import application, shipped_files
from .conftest import ARTIFACTS, Server


@pytest.fixture(scope="module")
def server(tmp_path_factory, chromium):
    """The browser tests' server, started with BPM_CLOCK=simulated."""
    clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=BUREAU_TZ))
    database = tmp_path_factory.mktemp("training") / "bpm.sqlite"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "ENGINE_CONFIG": EngineConfig(clock=clock),
            "BPM_CLOCK": "simulated",
        }
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


def test_an_administrator_reminds_a_case_and_advances_the_training_clock(staff, server):
    case_no = f"TJ-{uuid.uuid4().hex[:8].upper()}"
    with server.app.app_context():
        started, _ = start_instance(
            server.config,
            Actor("clerk1", frozenset({"clerk"})),
            "qualification_approval",
            case_no,
            application(),
        )
    admin = staff("admin1")
    expect(admin.page.locator(".training-banner")).to_contain_text("培训模式：模拟时钟 2026-03-02")
    admin.goto(f"/ui/cases/{started.id}")
    admin.page.fill(".case-actions input[name=message]", "请今天受理")
    admin.page.click("button[name=remind]")
    expect(admin.page.locator("p.flash")).to_contain_text("催办已发送")
    admin.shot("case-remind")
    admin.goto("/ui/admin/clock")
    admin.page.fill("input[name=days]", "10")
    admin.page.click("button[name=advance]")
    expect(admin.page.locator(".training-banner")).to_contain_text("2026-03-12")
    admin.shot("training-clock")
    clerk = staff("clerk1")
    clerk.goto("/ui/notifications")
    expect(clerk.page.locator("main")).to_contain_text("请今天受理")
    admin.goto(f"/ui/cases/{started.id}")
    expect(admin.page.locator("main")).to_contain_text("超期督办")
