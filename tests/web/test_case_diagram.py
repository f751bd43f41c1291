"""The case page's diagram data: the version's XML, finished and current steps, who did them."""

from __future__ import annotations


def test_diagram_shows_finished_and_current_steps_with_who_did_them(browser, cases):
    case = cases.start()
    cases.complete(case["id"], "accept_application", "clerk", {"decision": "accept"})
    browser.log_in("clerk")
    page = browser.get(f"/ui/cases/{case['id']}")
    assert f'data-diagram-url="/ui/cases/{case["id"]}/diagram"' in page.get_data(as_text=True)
    response = browser.get(f"/ui/cases/{case['id']}/diagram")
    assert response.status_code == 200
    diagram = response.json
    assert diagram["process_key"] == "qualification_approval" and diagram["version"] == 1
    assert 'id="accept_application"' in diagram["xml"]
    assert {"start", "accept_application", "mark_accepted"} <= set(diagram["completed"])
    assert "assign_review_team" in diagram["current"]
    assert not set(diagram["completed"]) & set(diagram["current"])
    [step] = diagram["steps"]["accept_application"]
    assert step["state"] == "completed" and step["by"] == "clerk1" and step["completed"]


def test_diagram_of_a_case_in_another_process_is_refused_as_a_problem(browser, cases, deployed):
    case = cases.start()
    browser.log_in("inspector")
    browser.get("/ui/inbox")
    response = browser.get(f"/ui/cases/{case['id']}/diagram")
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"


def test_unknown_case_has_no_diagram(browser, deployed):
    browser.log_in("clerk")
    browser.get("/ui/inbox")
    response = browser.get("/ui/cases/00000000-0000-0000-0000-000000000000/diagram")
    assert response.status_code == 404
