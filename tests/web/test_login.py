"""Logging in to the workbench: passwords, lock-out, sessions, CSRF, and the API left as it was."""

from __future__ import annotations

import pytest

from .conftest import password_of


def test_pages_need_a_login(client):
    response = client.get("/ui/inbox")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/ui/login?next=/ui/inbox")


def test_a_staff_user_logs_in_with_the_right_password(browser):
    response = browser.log_in("clerk")
    assert response.headers["Location"] == "/ui/inbox"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert browser.get("/ui/inbox").status_code == 200


def test_a_wrong_password_is_refused_with_a_chinese_message(browser):
    browser.log_in("clerk")
    browser.log_out()
    response = browser.post("/ui/login", {"username": "clerk1", "password": "wrong password"})
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)


def test_five_failures_lock_the_account_even_for_the_right_password(browser, clock):
    browser.log_in("clerk")
    browser.log_out()
    for _ in range(5):
        browser.post("/ui/login", {"username": "clerk1", "password": "wrong password"})
    right = {"username": "clerk1", "password": password_of("clerk1")}
    response = browser.post("/ui/login", right)
    assert response.status_code == 401
    assert "账号已锁定" in response.get_data(as_text=True)
    clock.advance(minutes=16)
    assert browser.post("/ui/login", right).status_code == 302


def test_a_form_without_its_csrf_token_is_refused(browser):
    browser.log_in("clerk")
    response = browser.post("/ui/logout", csrf=False)
    assert response.status_code == 400
    assert browser.get("/ui/inbox").status_code == 200


def test_a_login_form_without_its_csrf_token_is_refused(client):
    response = client.post("/ui/login", data={"username": "clerk1", "password": "x"})
    assert response.status_code == 400


def test_logging_out_ends_the_session(browser):
    browser.log_in("clerk")
    assert browser.log_out().status_code == 302
    assert browser.get("/ui/inbox").status_code == 302


def test_a_password_change_ends_open_sessions(browser, app):
    browser.log_in("clerk")
    with app.app_context():
        from workflows.users import set_password

        set_password(app.extensions["engine_config"], "clerk1", "another-password")
    assert browser.get("/ui/inbox").status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x"])
def test_login_never_redirects_to_another_site(browser, target):
    browser.auth.token("clerk", "clerk1")
    browser.log_in("clerk")
    browser.log_out()
    body = {"username": "clerk1", "password": password_of("clerk1"), "next": target}
    assert browser.post("/ui/login", body).headers["Location"] == "/ui/inbox"


def test_pages_send_the_security_headers(browser):
    response = browser.get("/ui/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_api_tokens_keep_working_and_the_session_does_not_open_the_api(browser, auth):
    browser.log_in("clerk")
    assert browser.client.get("/api/v1/tasks").status_code == 401
    assert browser.client.get("/api/v1/tasks", headers=auth.headers("clerk")).status_code == 200


def test_demo_users_get_a_printed_password_they_can_log_in_with(app, client):
    result = app.test_cli_runner().invoke(args=["users", "demo"])
    assert result.exit_code == 0, result.output
    assert "demo-clerk1" in result.output
    page = client.get("/ui/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    body = {"username": "clerk1", "password": "demo-clerk1", "csrf_token": token}
    assert client.post("/ui/login", data=body).status_code == 302


def test_set_password_command_sets_a_password(app, auth):
    auth.token("clerk", "clerk9")
    result = app.test_cli_runner().invoke(
        args=["users", "set-password", "clerk9", "--password", "long-enough-1"]
    )
    assert result.exit_code == 0, result.output
    short = app.test_cli_runner().invoke(args=["users", "set-password", "clerk9", "--password", "short"])
    assert short.exit_code != 0 and "too short" in short.output
