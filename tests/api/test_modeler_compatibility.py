"""Diagrams from Camunda Modeler, bpmn.io and SpiffWorkflow's modeler deploy, or say exactly why not."""

import pytest

from ..factories import bpmn_document, multipart


def deploy(client, auth, files):
    return client.post("/api/v1/deployments", data=multipart(files), headers=auth.headers("designer"))


def start(client, auth, key, variables=None):
    return client.post(
        f"/api/v1/process-definitions/{key}/instances",
        json={"variables": variables or {}},
        headers=auth.headers("clerk"),
    )


def _process(key, attributes="", task='<bpmn:userTask id="do_{key}" camunda:candidateGroups="clerk" />'):
    """start -> ``task`` (its id is ``do_<key>``) -> end."""
    task = task.replace("{key}", key)
    return f"""
  <bpmn:process id="{key}" {attributes} camunda:candidateStarterGroups="clerk">
    <bpmn:startEvent id="start_{key}" />
    <bpmn:sequenceFlow id="f1_{key}" sourceRef="start_{key}" targetRef="do_{key}" />
    {task}
    <bpmn:sequenceFlow id="f2_{key}" sourceRef="do_{key}" targetRef="end_{key}" />
    <bpmn:endEvent id="end_{key}" />
  </bpmn:process>"""


@pytest.mark.parametrize("attributes", ["", 'isExecutable="1"'])
def test_a_process_without_is_executable_deploys_and_runs(client, auth, attributes):
    response = deploy(client, auth, [("plain.bpmn", bpmn_document(_process("plain", attributes)))])
    assert response.status_code == 201, response.json
    assert [p["key"] for p in response.json["processes"]] == ["plain"]
    started = start(client, auth, "plain")
    assert started.status_code == 201, started.json
    assert [t["bpmn_id"] for t in started.json["active_tasks"]] == ["do_plain"]


def test_a_file_with_only_non_executable_processes_is_422(client, auth):
    content = bpmn_document(_process("sketch", 'isExecutable="false"'))
    response = deploy(client, auth, [("sketch.bpmn", content)])
    assert response.status_code == 422
    assert response.json["file"] == "sketch.bpmn"
    assert 'isExecutable="false"' in response.json["detail"]


_COLLABORATION = """
  <bpmn:collaboration id="collab">
    <bpmn:participant id="bureau_pool" name="市场监管局" processRef="bureau" />
    <bpmn:participant id="applicant_pool" name="申请人" processRef="applicant_side" />
    <bpmn:participant id="portal_pool" name="政务服务网" />
  </bpmn:collaboration>"""


@pytest.mark.parametrize("bureau_attributes", ["", 'isExecutable="true"'])
def test_a_collaboration_deploys_its_executable_pools_only(client, auth, bureau_attributes):
    body = _COLLABORATION + _process("bureau", bureau_attributes)
    body += _process("applicant_side", 'isExecutable="false"', '<bpmn:task id="do_{key}" />')
    response = deploy(client, auth, [("collab.bpmn", bpmn_document(body))])
    assert response.status_code == 201, response.json
    assert [p["key"] for p in response.json["processes"]] == ["bureau"]
    listed = client.get("/api/v1/process-definitions", headers=auth.headers("clerk")).json
    assert [d["key"] for d in listed] == ["bureau"]


def _service(attributes="", extensions=""):
    return f'<bpmn:serviceTask id="do_{{key}}" {attributes}>{extensions}</bpmn:serviceTask>'


@pytest.mark.parametrize(
    ("task", "words"),
    [
        (_service('camunda:expression="${mailer.send(execution)}"'), "camunda:expression"),
        (_service('camunda:delegateExpression="${mailDelegate}"'), "camunda:delegateExpression"),
        (_service('camunda:class="cn.gov.tj.Notify"'), "camunda:class 'cn.gov.tj.Notify'"),
        (_service('camunda:type="external" camunda:topic="notify"'), "external task (topic 'notify')"),
        (
            _service(
                extensions="<bpmn:extensionElements><camunda:connector>"
                "<camunda:connectorId>http-connector</camunda:connectorId>"
                "</camunda:connector></bpmn:extensionElements>"
            ),
            "connector 'http-connector'",
        ),
        (_service(), "has no implementation"),
        ('<bpmn:sendTask id="do_{key}" camunda:class="cn.gov.tj.Send" />', "camunda:class"),
        (
            '<bpmn:businessRuleTask id="do_{key}" camunda:expression="${rules.check()}" />',
            "camunda:expression",
        ),
    ],
)
def test_a_camunda_implementation_is_422_listing_the_supported_forms(client, auth, task, words):
    response = deploy(
        client, auth, [("camunda.bpmn", bpmn_document(_process("svc", 'isExecutable="true"', task)))]
    )
    assert response.status_code == 422, response.json
    assert (response.json["file"], response.json["element"]) == ("camunda.bpmn", "do_svc")
    detail = response.json["detail"]
    assert words in detail
    assert "spiffworkflow:serviceTaskOperator" in detail
    assert "issue_certificate_no" in detail and "send_reminder" in detail
    assert "script task" in detail


_THROW = """<bpmn:intermediateThrowEvent id="do_{key}">
      <bpmn:messageEventDefinition id="notify_def" camunda:class="cn.gov.tj.Notify" />
    </bpmn:intermediateThrowEvent>"""


def test_a_camunda_implemented_message_event_is_422(client, auth):
    response = deploy(client, auth, [("throw.bpmn", bpmn_document(_process("thrower", "", _THROW)))])
    assert response.status_code == 422, response.json
    assert response.json["element"] == "do_thrower"
    assert "camunda:class 'cn.gov.tj.Notify'" in response.json["detail"]


@pytest.mark.parametrize(
    "listener",
    [
        '<camunda:executionListener class="cn.gov.tj.Audit" event="start" />',
        '<camunda:taskListener delegateExpression="${assigner}" event="create" />',
        '<camunda:executionListener event="end"><camunda:script scriptFormat="groovy">x</camunda:script>'
        "</camunda:executionListener>",
    ],
)
def test_a_camunda_listener_is_422_instead_of_being_skipped(client, auth, listener):
    task = (
        '<bpmn:userTask id="do_{key}" camunda:candidateGroups="clerk">'
        f"<bpmn:extensionElements>{listener}</bpmn:extensionElements></bpmn:userTask>"
    )
    response = deploy(client, auth, [("listen.bpmn", bpmn_document(_process("listened", "", task)))])
    assert response.status_code == 422, response.json
    assert response.json["element"] == "do_listened"
    assert "listener" in response.json["detail"]
    assert "script task" in response.json["detail"]


def test_camunda_implementations_in_a_non_executable_pool_are_not_checked(client, auth):
    sketch = _process("partner", 'isExecutable="false"', _service('camunda:class="cn.gov.tj.Notify"'))
    response = deploy(client, auth, [("two.bpmn", bpmn_document(_process("ours") + sketch))])
    assert response.status_code == 201, response.json


def _laned(lane_name: str, task_id: str = "decide") -> bytes:
    return bpmn_document(f"""
  <bpmn:process id="laned" isExecutable="true" camunda:candidateStarterGroups="clerk">
    <bpmn:laneSet id="lanes">
      <bpmn:lane id="lane_1" name="{lane_name}"><bpmn:flowNodeRef>{task_id}</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="{task_id}" />
    <bpmn:userTask id="{task_id}" name="审批" />
    <bpmn:sequenceFlow id="f2" sourceRef="{task_id}" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>""")


@pytest.mark.parametrize(
    ("lane_name", "group"),
    [
        ("Approver", "approver"),
        ("审批 (Approver)", "approver"),
        ("窗口受理（clerk）", "clerk"),
        ("Review_Center", "review_center"),
        ("技术评审 ( Review_Center )", "review_center"),
    ],
)
def test_a_lane_names_its_group_whatever_the_case(client, auth, lane_name, group):
    assert deploy(client, auth, [("laned.bpmn", _laned(lane_name))]).status_code == 201
    started = start(client, auth, "laned").json
    assert started["active_tasks"][0]["candidate_groups"] == [group]
    worklist = client.get("/api/v1/tasks", headers=auth.headers(group)).json
    assert [t["bpmn_id"] for t in worklist] == ["decide"]


@pytest.mark.parametrize("lane_name", ["审批", "Review Team", "审批 (审批科)", "approver-1"])
def test_a_lane_that_names_no_group_is_422_saying_how_to_name_it(client, auth, lane_name):
    response = deploy(client, auth, [("laned.bpmn", _laned(lane_name))])
    assert response.status_code == 422, response.json
    assert response.json["element"] == "decide"
    detail = response.json["detail"]
    assert f"lane '{lane_name}'" in detail
    assert "'<any text> (<group>)'" in detail
    assert "lowercase letters, digits and underscores" in detail


def test_a_group_without_users_is_a_deployment_warning(client, auth):
    auth.token("approver")
    response = deploy(client, auth, [("laned.bpmn", _laned("Boss"))])
    assert response.status_code == 201, response.json
    warnings = response.json["processes"][0]["warnings"]
    assert [w["element"] for w in warnings] == ["decide"]
    assert "'boss'" in warnings[0]["detail"]
    approver_lane = deploy(client, auth, [("laned.bpmn", _laned("审批 (Approver)"))])
    assert approver_lane.json["processes"][0]["warnings"] == []
