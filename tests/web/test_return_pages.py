"""退回 on the task page and 撤回 on the done list and the case page."""

from __future__ import annotations

import pytest

from ..api.return_support import ReturnDriver


@pytest.fixture
def loop(client, auth):
    driver = ReturnDriver(client, auth)
    driver.deploy("return_loop.bpmn")
    iid = driver.start("return_loop", variables={})["id"]
    driver.complete(iid, "apply", "clerk", {"title": "申请一"})
    return driver, iid


def test_the_task_page_offers_a_return_to_the_steps_that_ran(browser, loop):
    driver, iid = loop
    review = driver.task(iid, "review", "approver")
    browser.log_in("approver")
    html = browser.get(f"/ui/tasks/{review['id']}").get_data(as_text=True)
    assert 'action="/ui/tasks/' + review["id"] + '/return"' in html
    assert '<option value="apply">填写申请 — clerk1</option>' in html


def test_no_return_is_offered_to_someone_who_cannot_work_on_the_task(browser, loop):
    driver, iid = loop
    review = driver.task(iid, "review", "approver")
    browser.log_in("admin")
    html = browser.get(f"/ui/tasks/{review['id']}").get_data(as_text=True)
    assert "/return" not in html


def test_returning_from_the_page_sends_the_task_back_with_the_reason(browser, loop):
    driver, iid = loop
    review = driver.task(iid, "review", "approver")
    browser.log_in("approver")
    browser.get(f"/ui/tasks/{review['id']}")
    response = browser.post(f"/ui/tasks/{review['id']}/return", {"target": "apply", "reason": "请补充"})
    assert response.status_code == 302
    assert [t["bpmn_id"] for t in driver.open_tasks(iid)] == ["apply"]
    [event] = [e for e in driver.history(iid) if e["action"] == "task_returned"]
    assert event["details"]["reason"] == "请补充"


def test_the_done_list_and_the_case_page_offer_withdraw_until_the_next_step_is_done(browser, loop):
    driver, iid = loop
    apply_id = [e for e in driver.history(iid) if e["action"] == "task_completed"][0]["task_id"]
    browser.log_in("clerk")
    withdraw = f'action="/ui/tasks/{apply_id}/withdraw"'
    assert withdraw in browser.get("/ui/done").get_data(as_text=True)
    assert withdraw in browser.get(f"/ui/cases/{iid}").get_data(as_text=True)
    response = browser.post(f"/ui/tasks/{apply_id}/withdraw")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/ui/tasks/{apply_id}")
    assert [t["bpmn_id"] for t in driver.open_tasks(iid)] == ["apply"]
    driver.complete(iid, "apply", "clerk", {"title": "申请一"})
    driver.complete(iid, "review", "approver", {"approved": True})
    assert withdraw not in browser.get("/ui/done").get_data(as_text=True)
