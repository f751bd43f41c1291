"""Random spot checks (双随机、一公开) with a joint department, one inspection case per target."""

import pytest
from sqlalchemy import func, select

from api.database import db
from workflows.persistence.models import AuditEvent

from ..factories import CaseDriver, check_item_body, institution_body, run_worker

PLAN = "/api/v1/process-definitions/spot_check/instances"


@pytest.fixture
def case(client, auth, deployed):
    return CaseDriver(client, auth)


def registries(case, client, auth, targets: int, inspectors: int = 8) -> str:
    admin = auth.headers("admin")
    body = check_item_body(inspector_requirements={"min_inspectors": 2})
    item = client.post("/api/v1/registries/check-items", json=body, headers=admin).json
    for n in range(targets):
        body = institution_body(name=f"检测机构{n:03d}")
        assert client.post("/api/v1/registries/institutions", json=body, headers=admin).status_code == 201
    for n in range(1, inspectors + 1):
        case.add_person(f"检查员{n}", f"insp{n}", "inspector", kind="inspector", workload_limit=100)
    auth.token("dept_transport", "transport1")
    return item["code"]


def start_plan(case, code, **variables):
    body = {
        "plan_name": "2026年第一批检验检测机构抽查",
        "check_item_code": code,
        "departments": ["transport"],
    }
    return case.start("spot_check", variables={**body, **variables}, group="supervisor")["id"]


def children(client, auth, plan):
    listed = client.get(
        "/api/v1/process-instances?process_key=target_inspection&page_size=100", headers=auth.headers("admin")
    ).json
    return sorted(
        (i for i in listed if i["business_key"].startswith(plan["business_key"])),
        key=lambda i: i["business_key"],
    )


def inspect(case, child, finding="conform", **extra):
    for task in child["active_tasks"]:
        if task["bpmn_id"] == "inspect_target":
            data = {"finding": finding, "checked_on": "2026-03-10", **extra}
            case.complete_as(child["id"], "inspect_target", "inspector", task["assignee"], data)
    case.complete_as(child["id"], "department_check", "dept_transport", "transport1", {"finding": "conform"})


def test_a_plan_of_50_targets_with_a_joint_department_is_checked_and_published(
    client, auth, case, clock, app
):
    code = registries(case, client, auth, targets=60)
    plan_id = start_plan(case, code, count=50)
    plan = case.instance(plan_id)
    assert len(plan["variables"]["target_draw"]["targets"]) == 50
    assert all(len(a["inspectors"]) == 2 for a in plan["variables"]["inspector_draw"]["assignments"])
    case.complete(plan_id, "confirm_plan", "supervisor", {"confirmed": True})
    inspections = children(client, auth, case.instance(plan_id))
    assert len(inspections) == 50
    first = inspections[0]
    assert sorted(t["bpmn_id"] for t in first["active_tasks"]) == [
        "department_check",
        "inspect_target",
        "inspect_target",
    ]
    assert next(t for t in first["active_tasks"] if t["bpmn_id"] == "department_check")[
        "candidate_groups"
    ] == ["dept_transport"]
    inspect(case, first, "problems", findings="超范围出具报告", evidence_refs=["file://现场照片.jpg"])
    crime = {
        "followup": "suspected_crime",
        "followup_note": "出具虚假报告",
        "evidence_refs": ["file://报告.pdf"],
    }
    lead = first["variables"]["lead_inspector"]
    case.complete_as(first["id"], "decide_followup", "inspector", lead, crime)
    for child in inspections[1:]:
        inspect(case, child)
    assert case.active(plan_id) == []
    run_worker(app)
    plan = case.instance(plan_id)
    publications = [t for t in plan["active_tasks"] if t["bpmn_id"] == "publish_result"]
    assert len(publications) == 50
    assert {t["deadline"] for t in publications} == {"20WD"}
    outcomes = sorted(p["outcome"] for p in plan["variables"]["publications"])
    assert outcomes.count("problems_found") == 1 and outcomes.count("conform") == 49
    referrals = client.get(
        "/api/v1/process-instances?process_key=case_referral", headers=auth.headers("admin")
    ).json
    assert [r["variables"]["source_case"] for r in referrals] == [plan["business_key"]]
    clock.advance(days=40)
    overdue = client.get("/api/v1/tasks?overdue=true&page_size=100", headers=auth.headers("supervisor")).json
    assert sum(t["bpmn_id"] == "publish_result" for t in overdue) == 50
    for _ in publications:
        case.complete(
            plan_id, "publish_result", "supervisor", {"published_on": "2026-04-10", "channel": "gsxt"}
        )
    assert case.instance(plan_id)["status"] == "completed"


def test_targets_not_found_at_their_address_are_recorded(client, auth, case, app):
    code = registries(case, client, auth, targets=3)
    plan_id = start_plan(case, code, count=1)
    case.complete(plan_id, "confirm_plan", "supervisor", {"confirmed": True})
    [child] = children(client, auth, case.instance(plan_id))
    inspect(case, child, "not_found")
    run_worker(app)
    [publication] = case.instance(plan_id)["variables"]["publications"]
    assert publication["outcome"] == "not_found"


def test_a_plan_without_enough_inspectors_asks_the_supervisor(client, auth, case):
    code = registries(case, client, auth, targets=5, inspectors=1)
    plan_id = start_plan(case, code, count=2)
    assert case.active(plan_id) == ["resolve_plan"]
    assert case.instance(plan_id)["variables"]["inspector_draw"]["ok"] is False
    case.complete(plan_id, "resolve_plan", "supervisor", {"action": "cancel"})
    assert case.instance(plan_id)["status"] == "completed"


def test_a_plan_needs_a_proportion_or_a_count(client, auth, deployed):
    body = {"variables": {"plan_name": "x", "check_item_code": "CI", "departments": []}}
    response = client.post(PLAN, json=body, headers=auth.headers("supervisor"))
    assert response.status_code == 422


def draw(client, auth, draw_id: int) -> dict:
    response = client.get(f"/api/v1/draws/{draw_id}", headers=auth.headers("supervisor"))
    assert response.status_code == 200, response.json
    return response.json


def test_a_retry_after_the_inspector_draw_failed_keeps_the_drawn_targets(client, auth, case):
    code = registries(case, client, auth, targets=5, inspectors=1)
    plan_id = start_plan(case, code, count=2)
    failed = case.instance(plan_id)["variables"]
    assert failed["target_draw"]["ok"] is True and failed["inspector_draw"]["ok"] is False
    for n in range(2, 5):
        case.add_person(f"检查员{n}", f"insp{n}", "inspector", kind="inspector", workload_limit=100)
    case.complete(plan_id, "resolve_plan", "supervisor", {"action": "retry"})
    assert case.active(plan_id) == ["confirm_plan"]
    retried = case.instance(plan_id)["variables"]
    assert retried["target_draw"] == failed["target_draw"]
    redraw = draw(client, auth, retried["inspector_draw"]["draw_id"])
    assert redraw["ok"] is True
    assert redraw["previous_draw_id"] == failed["inspector_draw"]["draw_id"]
    assert redraw["parameters"]["targets_draw_id"] == failed["target_draw"]["draw_id"]
    drawn_targets = [t["credit_code"] for t in failed["target_draw"]["targets"]]
    assert [a["credit_code"] for a in redraw["result"]["assignments"]] == drawn_targets
    assert draw(client, auth, failed["target_draw"]["draw_id"])["previous_draw_id"] is None


def test_a_retry_after_the_target_draw_failed_draws_the_targets_again(client, auth, case):
    code = registries(case, client, auth, targets=1)
    plan_id = start_plan(case, code, count=2)
    failed = case.instance(plan_id)["variables"]["target_draw"]
    assert failed["ok"] is False
    for n in range(2):
        body = institution_body(name=f"新增检测机构{n}")
        assert (
            client.post(
                "/api/v1/registries/institutions", json=body, headers=auth.headers("admin")
            ).status_code
            == 201
        )
    case.complete(plan_id, "resolve_plan", "supervisor", {"action": "retry"})
    assert case.active(plan_id) == ["confirm_plan"]
    variables = case.instance(plan_id)["variables"]
    targets = draw(client, auth, variables["target_draw"]["draw_id"])
    assert (targets["ok"], targets["previous_draw_id"]) == (True, failed["draw_id"])
    inspectors = draw(client, auth, variables["inspector_draw"]["draw_id"])
    assert (inspectors["previous_draw_id"], inspectors["parameters"]["targets_draw_id"]) == (
        None,
        targets["id"],
    )


@pytest.mark.parametrize("active", [None, False])
def test_an_unknown_or_inactive_check_item_is_422_before_any_case_exists(app, client, auth, case, active):
    code = "CI-NOT-LISTED"
    if active is False:
        code = registries(case, client, auth, targets=1)
        items = client.get(f"/api/v1/registries/check-items?code={code}", headers=auth.headers("admin")).json
        patched = client.patch(
            f"/api/v1/registries/check-items/{items[0]['id']}",
            json={"active": False},
            headers=auth.headers("admin"),
        )
        assert patched.status_code == 200, patched.json
    body = {"business_key": "PLAN-1", "variables": {"plan_name": "抽查", "check_item_code": code, "count": 1}}
    response = client.post(PLAN, json=body, headers=auth.headers("supervisor"))
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json["errors"]] == ["/variables/check_item_code"]
    listed = client.get("/api/v1/process-instances?process_key=spot_check", headers=auth.headers("admin"))
    assert listed.json == []
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.instance_id.is_not(None))
            )
            == 0
        )
