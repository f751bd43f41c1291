"""The task page: server-side form, validation messages next to their fields, allowed actions only."""

from __future__ import annotations


def _accept_task(cases, case):
    return cases.task(case["id"], "accept_application", "clerk")["id"]


def test_a_missing_conditional_field_is_reported_next_to_it_in_chinese(browser, cases):
    case = cases.start()
    task_id = _accept_task(cases, case)
    browser.log_in("clerk")
    response = browser.post(f"/ui/tasks/{task_id}", {"decision": "refuse"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert '<p class="field-error" id="reason-error" role="alert">此项为必填项。</p>' in html
    assert 'value="refuse" checked' in html


def test_the_english_page_words_the_same_error_in_english(browser, cases):
    case = cases.start()
    task_id = _accept_task(cases, case)
    browser.log_in("clerk")
    browser.post("/ui/language", {"lang": "en", "next": "/ui/inbox"})
    html = browser.post(f"/ui/tasks/{task_id}", {"decision": "refuse"}).get_data(as_text=True)
    assert "This field is required." in html and "Reason for refusal" in html


def test_a_valid_form_completes_the_task(browser, cases):
    case = cases.start()
    task_id = _accept_task(cases, case)
    browser.log_in("clerk")
    response = browser.post(f"/ui/tasks/{task_id}", {"decision": "accept"})
    assert response.status_code == 302
    assert "accept_application" not in cases.active(case["id"])


def test_add_row_redraws_the_form_with_one_more_row_without_submitting(browser, cases):
    case = cases.start()
    task_id = _accept_task(cases, case)
    browser.log_in("clerk")
    data = {"decision": "supplement", "missing_items.0": "营业执照", "_add": "missing_items"}
    html = browser.post(f"/ui/tasks/{task_id}", data).get_data(as_text=True)
    assert 'name="missing_items.0"' in html and 'name="missing_items.1"' in html
    assert "accept_application" in cases.active(case["id"])


def test_someone_outside_the_tasks_groups_sees_no_actions_and_is_refused(browser, cases):
    case = cases.start()
    task_id = _accept_task(cases, case)
    browser.log_in("approver")
    page = browser.get(f"/ui/tasks/{task_id}")
    assert page.status_code == 403
    assert browser.post(f"/ui/tasks/{task_id}", {"decision": "accept"}).status_code == 403
    assert browser.post(f"/ui/tasks/{task_id}/claim").status_code == 403


def test_a_task_claimed_by_another_clerk_offers_no_submit(browser, another_browser, cases):
    case = cases.start()
    task_id = _accept_task(cases, case)
    browser.log_in("clerk", "clerk1")
    assert browser.post(f"/ui/tasks/{task_id}/claim").status_code == 302
    another_browser.log_in("clerk", "clerk2")
    html = another_browser.get(f"/ui/tasks/{task_id}").get_data(as_text=True)
    assert "task-form" not in html and "/claim" not in html
    assert another_browser.post(f"/ui/tasks/{task_id}", {"decision": "accept"}).status_code == 409


def test_admin_pages_are_refused_to_others(browser):
    browser.log_in("clerk")
    assert browser.get("/ui/admin/incidents").status_code == 403
    assert browser.get("/ui/oversight").status_code == 403
    html = browser.get("/ui/inbox").get_data(as_text=True)
    assert "/ui/admin" not in html and "/ui/oversight" not in html
