"""Completion rules: a task's ``validation`` properties refuse answers the case's state forbids."""

import json
from xml.sax.saxutils import quoteattr

import pytest

from ..factories import CaseDriver, bpmn_document, multipart

FORM = {
    "type": "object",
    "required": ["amount"],
    "additionalProperties": False,
    "properties": {"amount": {"type": "integer"}, "reason": {"type": "string"}},
}
OVER_LIMIT = "'超过限额 / over the limit' if amount > limit else None"


def rules_process(properties: dict[str, str], loop: str = "") -> bytes:
    """start -> script (limit = 100) -> user task `request` with ``properties`` (and ``loop``) -> end."""
    props = "".join(
        f"<spiffworkflow:property name={quoteattr(name)} value={quoteattr(value)} />"
        for name, value in properties.items()
    )
    return bpmn_document(
        f"""
  <bpmn:process id="rules" name="rules" isExecutable="true" camunda:candidateStarterGroups="clerk">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="set_limit" />
    <bpmn:scriptTask id="set_limit"><bpmn:script>limit = 100
items = [1, 2]</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="set_limit" targetRef="request" />
    <bpmn:userTask id="request" camunda:candidateGroups="clerk">
      <bpmn:extensionElements><spiffworkflow:properties>{props}</spiffworkflow:properties></bpmn:extensionElements>
      {loop}
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f3" sourceRef="request" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>"""
    )


def deploy(client, auth, properties: dict[str, str], loop: str = ""):
    files = [
        ("rules.bpmn", rules_process(properties, loop)),
        ("rules/request.schema.json", json.dumps(FORM).encode()),
    ]
    return client.post("/api/v1/deployments", data=multipart(files), headers=auth.headers("designer"))


@pytest.fixture
def case(client, auth):
    return CaseDriver(client, auth)


def started(client, auth, case, properties: dict[str, str]) -> str:
    response = deploy(client, auth, properties)
    assert response.status_code == 201, response.json
    return case.start("rules", variables={})["id"]


def submit(client, auth, case, iid, data):
    task = case.task(iid, "request", "clerk")
    return client.post(
        f"/api/v1/tasks/{task['id']}/complete", json={"data": data}, headers=auth.headers("clerk")
    )


def test_an_answer_the_rule_refuses_is_422_at_the_named_field(client, auth, case):
    iid = started(client, auth, case, {"validation": OVER_LIMIT, "validationField": "amount"})
    response = submit(client, auth, case, iid, {"amount": 200})
    assert response.status_code == 422
    assert response.json["errors"] == [{"pointer": "/data/amount", "detail": "超过限额 / over the limit"}]
    assert response.json["detail"] == "超过限额 / over the limit"
    assert case.active(iid) == ["request"]
    assert case.instance(iid)["status"] == "running"


def test_an_answer_the_rule_accepts_completes_the_task(client, auth, case):
    iid = started(client, auth, case, {"validation": OVER_LIMIT, "validationField": "amount"})
    assert submit(client, auth, case, iid, {"amount": 100}).status_code == 200
    assert case.instance(iid)["status"] == "completed"


def test_each_rule_may_name_its_own_field(client, auth, case):
    rules = {
        "validation:amount": OVER_LIMIT,
        "validation:reason": "'请说明理由 / give a reason' if amount > 50 and not reason else None",
    }
    iid = started(client, auth, case, rules)
    response = submit(client, auth, case, iid, {"amount": 200})
    assert [e["pointer"] for e in response.json["errors"]] == ["/data/amount", "/data/reason"]
    assert submit(client, auth, case, iid, {"amount": 80, "reason": "急需"}).status_code == 200


def test_a_rule_without_a_field_points_at_the_whole_answer(client, auth, case):
    iid = started(client, auth, case, {"validation": OVER_LIMIT})
    response = submit(client, auth, case, iid, {"amount": 101})
    assert [e["pointer"] for e in response.json["errors"]] == ["/data"]


@pytest.mark.parametrize(
    ("properties", "words"),
    [
        ({"validation": "amount >"}, "validation"),
        ({"validation:amount": "amount.__class__"}, "__class__"),
        ({"validationField": "amount"}, "validationField without validation"),
    ],
)
def test_a_broken_rule_is_refused_at_deployment(client, auth, properties, words):
    response = deploy(client, auth, properties)
    assert response.status_code == 422, response.json
    assert (response.json["file"], response.json["element"]) == ("rules.bpmn", "request")
    assert words in response.json["detail"]


@pytest.mark.parametrize("rule", ["unknown_name > 1", "amount > 1"])
def test_a_rule_that_cannot_give_a_verdict_is_422_naming_the_element(client, auth, case, rule):
    iid = started(client, auth, case, {"validation": rule})
    response = submit(client, auth, case, iid, {"amount": 5})
    assert response.status_code == 422
    assert response.json["element"] == "request"
    assert "validation rule" in response.json["detail"]
    assert case.active(iid) == ["request"]
    assert case.instance(iid)["status"] == "running"


def test_each_instance_of_a_multi_instance_task_is_checked(client, auth, case):
    loop = (
        "<bpmn:multiInstanceLoopCharacteristics><bpmn:loopDataInputRef>items</bpmn:loopDataInputRef>"
        '<bpmn:inputDataItem id="item" name="item" /></bpmn:multiInstanceLoopCharacteristics>'
    )
    deployed = deploy(
        client, auth, {"validation": "'超过限额 / over' if amount > limit * item else None"}, loop
    )
    assert deployed.status_code == 201, deployed.json
    iid = case.start("rules", variables={})["id"]
    assert case.active(iid) == ["request", "request"]
    assert submit(client, auth, case, iid, {"amount": 250}).status_code == 422
    assert submit(client, auth, case, iid, {"amount": 50}).status_code == 200
    assert case.active(iid) == ["request"]
