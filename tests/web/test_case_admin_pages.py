"""Remind, copy and repair from the case page; bulk migration; the training clock's page and banner."""

import pytest

from api import create_app
from api.database import db

from ..conftest import app_settings


@pytest.fixture
def app(database_url, clock):
    app = create_app({**app_settings(database_url, clock), "BPM_CLOCK": "simulated"})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_remind_and_copy_from_the_case_page(browser, cases, auth, client):
    case = cases.start()
    auth.token("inspector")
    browser.log_in("supervisor")
    page = browser.get(f"/ui/cases/{case['id']}")
    assert "催办" in page.get_data(as_text=True)
    done = browser.post(f"/ui/cases/{case['id']}/remind", {"message": "请尽快受理"}, follow_redirects=True)
    assert "催办已发送" in done.get_data(as_text=True)
    again = browser.post(f"/ui/cases/{case['id']}/remind", {"message": ""}, follow_redirects=True)
    assert "分钟后再催办" in again.get_data(as_text=True)
    copied = browser.post(f"/ui/cases/{case['id']}/copies", {"users": "inspector1"}, follow_redirects=True)
    assert "已抄送" in copied.get_data(as_text=True)
    assert (
        client.get(f"/api/v1/process-instances/{case['id']}", headers=auth.headers("inspector")).status_code
        == 200
    )


def test_every_page_shows_the_training_banner_and_the_admin_advances_the_clock(browser, cases):
    case = cases.start()
    browser.log_in("admin")
    page = browser.get("/ui/inbox").get_data(as_text=True)
    assert "培训模式：模拟时钟 2026-03-02" in page
    moved = browser.post("/ui/admin/clock", {"days": "10"}, follow_redirects=True).get_data(as_text=True)
    assert "培训模式：模拟时钟 2026-03-12" in moved
    assert "超期督办" in browser.get(f"/ui/cases/{case['id']}").get_data(as_text=True)


def test_an_administrator_repairs_and_migrates_from_the_pages(browser, cases):
    case = cases.start()
    browser.log_in("admin")
    moved = browser.post(
        f"/ui/admin/cases/{case['id']}/repair",
        {"action": "variables", "set": '{"note": "补录"}', "reason": "补录备注"},
        follow_redirects=True,
    )
    assert "案件已修改" in moved.get_data(as_text=True)
    dry = browser.get("/ui/admin/migrations?key=qualification_approval&from_version=1&to_version=1")
    assert dry.status_code == 200
    report = browser.get("/ui/reports/cases.csv")
    assert report.data.startswith("\ufeff".encode())
