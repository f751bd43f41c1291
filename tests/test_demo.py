"""`flask users demo`: the data the README's walkthroughs rely on, usable many times over."""

import pytest

PLAN = "/api/v1/process-definitions/spot_check/instances"


@pytest.fixture
def demo(app, client):
    """Deploy as `make run` does, create the demo data twice, and return the tokens of the second run."""
    runner = app.test_cli_runner()
    assert runner.invoke(args=["deploy", "bpmn", "forms"]).exit_code == 0
    assert runner.invoke(args=["users", "demo"]).exit_code == 0
    result = runner.invoke(args=["users", "demo"])
    assert result.exit_code == 0, result.output
    tokens = {}
    for line in result.output.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[0][-1].isdigit():
            assert parts[2] == f"demo-{parts[0]}"
            tokens[parts[0]] = {"Authorization": f"Bearer {parts[3]}"}
    return tokens


def _get(client, path, headers):
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def test_demo_data_is_created_once_with_pools_in_two_districts(client, demo):
    people = _get(client, "/api/v1/registries/people?page_size=100", demo["admin1"])
    assert len(people) == 8
    inspectors = [p for p in people if p["kind"] == "inspector"]
    assert sorted({p["district"] for p in inspectors}) == ["和平区", "河西区"]
    institutions = _get(client, "/api/v1/registries/institutions?page_size=100", demo["admin1"])
    assert len({i["district"] for i in institutions}) == 2 and len(institutions) == 6
    items = _get(client, "/api/v1/registries/check-items", demo["admin1"])
    assert {i["code"] for i in items} == {"SJ-JYJC-01", "SJ-JDC-01"}


def _task(client, headers, business_key, bpmn_id):
    tasks = _get(client, f"/api/v1/tasks?business_key={business_key}", headers)
    return next(t for t in tasks if t["bpmn_id"] == bpmn_id)


def _complete(client, headers, business_key, bpmn_id, data):
    task = _task(client, headers, business_key, bpmn_id)
    response = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": data}, headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def test_the_qualification_walkthrough_runs_more_often_than_the_default_workload_limit(client, demo):
    for run in range(7):
        key = f"TJ-DEMO-{run}"
        body = {
            "business_key": key,
            "variables": {
                "applicant": {"name": "天津市示范检测技术有限公司", "credit_code": "91120000RX1QQ6UY22"},
                "application_type": "first",
                "procedure": "normal",
                "fields": ["食品"],
            },
        }
        started = client.post(
            "/api/v1/process-definitions/qualification_approval/instances", json=body, headers=demo["clerk1"]
        )
        assert started.status_code == 201, started.json
        _complete(client, demo["clerk1"], key, "accept_application", {"decision": "accept"})
        accept = {"response": "accept", "no_conflict_declared": True}
        _complete(client, demo["leader1"], key, "confirm_seat", accept)
        _complete(client, demo["expert1"], key, "confirm_seat", accept)
        assert _task(client, demo["leader1"], key, "document_review")


def test_the_spot_check_walkthrough_draws_targets_and_inspectors_from_the_demo_registries(client, demo):
    body = {
        "business_key": "SJ-2026-DEMO",
        "variables": {"plan_name": "2026年检验检测机构监督抽查", "check_item_code": "SJ-JYJC-01", "count": 2},
    }
    started = client.post(PLAN, json=body, headers=demo["supervisor1"])
    assert started.status_code == 201, started.json
    variables = started.json["variables"]
    assert variables["target_draw"]["ok"] and len(variables["target_draw"]["targets"]) == 2
    assert variables["inspector_draw"]["ok"]
    assert [t["bpmn_id"] for t in started.json["active_tasks"]] == ["confirm_plan"]
