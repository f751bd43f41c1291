"""Registry references in forms (``x-registry``): a value must name a listed, active record."""

import json

import pytest
from sqlalchemy import func, select

from api.database import db
from workflows.persistence.models import AuditEvent
from workflows.portal.clients import set_service_item

from ..factories import CaseDriver, bpmn_document, check_item_body, institution_body, multipart
from .portal_support import case_record

START_FORM = {
    "type": "object",
    "properties": {
        "check_item_code": {"type": "string", "x-registry": "check_items"},
        "target": {
            "type": "object",
            "properties": {"credit_code": {"type": "string", "x-registry": "institutions"}},
        },
    },
}
TASK_FORM = {
    "type": "object",
    "properties": {
        "inspectors": {"type": "array", "items": {"type": "string", "x-registry": "people"}},
        "lead_id": {"type": "integer", "x-registry": "people"},
    },
}
PROCESS = bpmn_document(
    """
  <bpmn:process id="refs" name="refs" isExecutable="true" camunda:candidateStarterGroups="supervisor">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="assign" />
    <bpmn:userTask id="assign" camunda:candidateGroups="supervisor" />
    <bpmn:sequenceFlow id="f2" sourceRef="assign" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>"""
)
ITEM = "11120000MB1T5T4C8L4000117009999"


def deploy(client, auth, start_form=START_FORM):
    files = [
        ("refs.bpmn", PROCESS),
        ("refs/start.schema.json", json.dumps(start_form).encode()),
        ("refs/assign.schema.json", json.dumps(TASK_FORM).encode()),
    ]
    return client.post("/api/v1/deployments", data=multipart(files), headers=auth.headers("designer"))


@pytest.fixture
def listed(client, auth):
    """The process deployed, one active check item, one institution, one inspector."""
    assert deploy(client, auth).status_code == 201
    admin = auth.headers("admin")
    item = client.post("/api/v1/registries/check-items", json=check_item_body(), headers=admin).json
    institution = client.post("/api/v1/registries/institutions", json=institution_body(), headers=admin).json
    person = CaseDriver(client, auth).add_person("检查员", "insp1", "inspector", kind="inspector")
    return {"code": item["code"], "credit_code": institution["credit_code"], "person": person}


def start(client, auth, variables):
    body = {"business_key": "REF-1", "variables": variables}
    return client.post(
        "/api/v1/process-definitions/refs/instances", json=body, headers=auth.headers("supervisor")
    )


def test_listed_values_start_the_case(client, auth, listed):
    response = start(
        client, auth, {"check_item_code": listed["code"], "target": {"credit_code": listed["credit_code"]}}
    )
    assert response.status_code == 201, response.json


def test_unlisted_values_are_422_at_their_pointers_before_any_case_exists(app, client, auth, listed):
    response = start(
        client, auth, {"check_item_code": "CI-NONE", "target": {"credit_code": "91120000MA05XXXX0X"}}
    )
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json["errors"]] == [
        "/variables/check_item_code",
        "/variables/target/credit_code",
    ]
    assert "check item" in response.json["errors"][0]["detail"]
    assert client.get("/api/v1/process-instances", headers=auth.headers("admin")).json == []
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.instance_id.is_not(None))
            )
            == 0
        )


def complete(client, auth, data):
    started = start(client, auth, {})
    assert started.status_code == 201, started.json
    task = started.json["active_tasks"][0]
    response = client.post(
        f"/api/v1/tasks/{task['id']}/complete", json={"data": data}, headers=auth.headers("supervisor")
    )
    return started.json["id"], response


def test_a_task_answer_naming_an_unknown_person_is_422(client, auth, listed):
    iid, response = complete(client, auth, {"inspectors": ["insp1", "nobody"]})
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json["errors"]] == ["/data/inspectors/1"]
    case = client.get(f"/api/v1/process-instances/{iid}", headers=auth.headers("admin")).json
    assert [t["bpmn_id"] for t in case["active_tasks"]] == ["assign"]


def test_an_inactive_person_is_refused_by_id(client, auth, listed):
    person = listed["person"]
    patched = client.patch(
        f"/api/v1/registries/people/{person['id']}", json={"active": False}, headers=auth.headers("admin")
    )
    assert patched.status_code == 200, patched.json
    _, response = complete(client, auth, {"lead_id": person["id"]})
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json["errors"]] == ["/data/lead_id"]


def test_listed_people_complete_the_task(client, auth, listed):
    _, response = complete(client, auth, {"inspectors": ["insp1"], "lead_id": listed["person"]["id"]})
    assert response.status_code == 200, response.json


def test_a_form_naming_an_unknown_registry_is_refused_at_deployment(client, auth):
    form = {"type": "object", "properties": {"x": {"type": "string", "x-registry": "vehicles"}}}
    response = deploy(client, auth, form)
    assert response.status_code == 422
    assert response.json["file"] == "refs/start.schema.json"
    assert "vehicles" in response.json["detail"] and "check_items" in response.json["detail"]


def test_a_portal_record_naming_an_unknown_check_item_is_422(
    app, portal, engine_config, client, auth, listed
):
    with app.app_context():
        set_service_item(engine_config, ITEM, "refs", "引用测试")
    record = case_record(item_code=ITEM, item_data={"check_item_code": "CI-NONE"})
    response = portal.post("/api/v1/portal/applications", record)
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json["errors"]] == ["/item_data/check_item_code"]
