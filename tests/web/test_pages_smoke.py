"""Every workbench page renders for its users."""


def test_clerk_sees_a_new_application_in_the_inbox(browser, cases):
    case = cases.start()
    browser.log_in("clerk")
    page = browser.get("/ui/inbox")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert case["business_key"] in html and "天津市某检测技术有限公司" in html and "受理" in html
    task = cases.task(case["id"], "accept_application", "clerk")
    page = browser.get(f"/ui/tasks/{task['id']}")
    assert page.status_code == 200, page.get_data(as_text=True)
    html = page.get_data(as_text=True)
    assert "受理决定" in html
    page = browser.post(f"/ui/tasks/{task['id']}", {"decision": "refuse"})
    assert page.status_code == 422
    page = browser.get(f"/ui/cases/{case['id']}")
    assert page.status_code == 200, page.get_data(as_text=True)
    for path in ("/ui/done", "/ui/mine", "/ui/notifications"):
        assert browser.get(path).status_code == 200


def test_supervisor_pages_render_with_an_overdue_task(browser, cases, clock):
    case = cases.start()
    clock.advance(days=30)
    browser.log_in("supervisor")
    page = browser.get("/ui/oversight")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert case["business_key"] in html and "row-alarm" in html
    page = browser.get("/ui/oversight/dashboard")
    assert page.status_code == 200
    assert "<svg" in page.get_data(as_text=True)


def test_admin_pages_render(browser, cases):
    cases.start()
    browser.log_in("admin")
    for path in (
        "/ui/admin/incidents",
        "/ui/admin/outbox",
        "/ui/admin/calendar",
        "/ui/admin/registries/people",
        "/ui/admin/registries/institutions",
        "/ui/admin/registries/check-items",
    ):
        page = browser.get(path)
        assert page.status_code == 200, (path, page.get_data(as_text=True)[-2000:])
