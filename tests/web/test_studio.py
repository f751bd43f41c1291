"""The designers' studio over HTTP: who may use it, validation naming the element at fault,
deployment of an edited version, the comparison of two versions with the affected cases."""

from __future__ import annotations

import json

import pytest

from api.web.studio import PANEL_STYLES

KEY = "qualification_approval"
CLERK_LANE = 'name="窗口受理 (clerk)"'


def _open(browser, version: int = 1) -> str:
    """Open the modeler page as the browser does (it holds the CSRF token the scripts send)."""
    response = browser.get(f"/ui/studio/{KEY}/{version}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _xml(browser, version: int = 1) -> str:
    _open(browser, version)
    response = browser.get(f"/ui/studio/{KEY}/{version}/xml")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _post_json(browser, path: str, body: dict):
    return browser.client.post(path, json=body, headers={"X-CSRFToken": browser.token})


def _renamed_step(xml: str) -> str:
    return xml.replace('name="受理审查"', 'name="受理审查（窗口）"', 1)


def test_studio_pages_are_refused_to_staff_who_do_not_design(browser, deployed):
    browser.log_in("clerk")
    assert "流程设计" not in browser.get("/ui/inbox").get_data(as_text=True)
    assert browser.get("/ui/studio").status_code == 403
    assert browser.get(f"/ui/studio/{KEY}/1").status_code == 403
    response = _post_json(browser, f"/ui/studio/{KEY}/1/deploy", {"xml": "<x/>"})
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"


def test_versions_list_shows_each_version_with_its_running_cases(browser, deployed, cases):
    cases.start()
    cases.start()
    browser.log_in("designer")
    page = browser.get("/ui/studio")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "检验检测机构资质认定" in html and "流程设计" in html
    row = html[html.index('id="process-qualification_approval"') :]
    assert '<td class="running">2</td>' in row[: row.index("</table>")]


def test_validation_names_the_task_whose_lane_lost_its_group(browser, deployed):
    browser.log_in("designer")
    xml = _xml(browser).replace(CLERK_LANE, 'name="窗口受理"')
    response = _post_json(browser, f"/ui/studio/{KEY}/1/validate", {"xml": xml})
    assert response.status_code == 200, response.json
    assert response.json["ok"] is False
    [problem] = response.json["problems"]
    assert problem["severity"] == "error"
    assert problem["element"] in {"accept_application", "mark_accepted", "issue_certificate"}
    assert "lane '窗口受理'" in problem["detail"]


def test_validation_deploys_nothing(browser, deployed):
    browser.log_in("designer")
    response = _post_json(browser, f"/ui/studio/{KEY}/1/validate", {"xml": _renamed_step(_xml(browser))})
    assert response.json["ok"] is True, response.json
    assert browser.get(f"/ui/studio/{KEY}/2/xml").status_code == 404


def test_deploying_an_edited_version_creates_version_2_and_running_cases_stay_on_1(browser, deployed, cases):
    running = cases.start()
    browser.log_in("designer")
    response = _post_json(browser, f"/ui/studio/{KEY}/1/deploy", {"xml": _renamed_step(_xml(browser))})
    assert response.status_code == 201, response.json
    [process] = response.json["processes"]
    assert (process["key"], process["version"], process["changed"]) == (KEY, 2, True)
    assert process["diff_url"] == f"/ui/studio/{KEY}/diff?old=1&new=2"
    assert "受理审查（窗口）" in _xml(browser, 2)
    assert cases.instance(running["id"])["definition_version"] == 1
    assert cases.start()["definition_version"] == 2


def test_deployment_carries_the_versions_forms_with_the_edited_one(browser, deployed, cases):
    browser.log_in("designer")
    name = f"{KEY}/accept_application.schema.json"
    assert name in _open(browser)
    schema = {
        "type": "object",
        "title": "受理决定（新）",
        "properties": {"decision": {"type": "string", "enum": ["accept", "refuse", "supplement"]}},
        "required": ["decision"],
    }
    body = {"xml": _xml(browser), "forms": {name: {"schema": json.dumps(schema), "ui_schema": ""}}}
    response = _post_json(browser, f"/ui/studio/{KEY}/1/deploy", body)
    assert response.status_code == 201, response.json
    assert response.json["processes"][0]["version"] == 2
    case = cases.start()
    task = cases.task(case["id"], "accept_application", "clerk")
    detail = browser.client.get(f"/api/v1/tasks/{task['id']}", headers=cases.auth.headers("clerk")).json
    assert detail["form"]["schema"]["title"] == "受理决定（新）"


def test_deploying_a_broken_diagram_is_a_problem_naming_the_element(browser, deployed):
    browser.log_in("designer")
    xml = _xml(browser).replace(CLERK_LANE, 'name="窗口受理"')
    response = _post_json(browser, f"/ui/studio/{KEY}/1/deploy", {"xml": xml})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.json["element"] in {"accept_application", "mark_accepted", "issue_certificate"}


@pytest.mark.parametrize("body", [{"forms": {}}, {"xml": "<x/>", "forms": {"a.schema.json": "{}"}}])
def test_a_malformed_request_is_a_400_problem(browser, deployed, body):
    browser.log_in("designer")
    _open(browser)
    response = _post_json(browser, f"/ui/studio/{KEY}/1/validate", body)
    assert response.status_code == 400
    assert response.json["status"] == 400


def test_comparison_lists_the_changed_step_and_the_cases_waiting_there(browser, deployed, cases):
    waiting = cases.start()
    browser.log_in("designer")
    response = _post_json(browser, f"/ui/studio/{KEY}/1/deploy", {"xml": _renamed_step(_xml(browser))})
    assert response.status_code == 201
    page = browser.get(f"/ui/studio/{KEY}/diff?old=1&new=2")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'class="change-changed" data-element="accept_application"' in html
    affected = html[html.index('id="affected"') :]
    assert waiting["business_key"] in affected and "accept_application" in affected


def test_form_preview_renders_the_schema_as_the_task_page_does(browser, deployed):
    browser.log_in("designer")
    _open(browser)
    schema = {"type": "object", "properties": {"reason": {"type": "string", "title": "不予受理理由"}}}
    response = browser.post(
        "/ui/studio/forms/preview",
        {"schema": json.dumps(schema), "ui_schema": '{"reason": {"ui:widget": "textarea"}}'},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "不予受理理由" in html and "<textarea" in html and "<html" not in html
    broken = browser.post("/ui/studio/forms/preview", {"schema": "{"}, headers={"HX-Request": "true"})
    assert "schema:" in broken.get_data(as_text=True)


def test_modeler_page_allows_only_the_panels_two_style_attributes(browser, deployed):
    browser.log_in("designer")
    response = browser.get(f"/ui/studio/{KEY}/1")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy
    assert policy.endswith("style-src-attr 'unsafe-hashes' " + " ".join(PANEL_STYLES))
