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
