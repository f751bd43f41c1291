"""POST /deployments: parsing, validation, versioning."""

import pytest

from ..factories import bpmn_document, data_file, multipart, one_task_process, shipped_files


def deploy(client, auth, files, group="designer"):
    return client.post("/api/v1/deployments", data=multipart(files), headers=auth.headers(group))


def test_deploying_shipped_diagrams_returns_each_key_and_version(client, auth):
    response = deploy(client, auth, shipped_files())
    assert response.status_code == 201
    processes = {p["key"]: p for p in response.json["processes"]}
    assert processes["qualification_approval"]["version"] == 1
    assert processes["qualification_approval"]["changed"] is True


def test_deploying_unchanged_content_keeps_the_version(client, auth):
    first = deploy(client, auth, [("simple.bpmn", one_task_process())]).json["processes"][0]
    again = deploy(client, auth, [("simple.bpmn", one_task_process())]).json["processes"][0]
    assert (again["version"], again["id"], again["changed"]) == (1, first["id"], False)


def test_changed_content_gets_the_next_version_and_running_instances_keep_theirs(client, auth):
    deploy(client, auth, [("simple.bpmn", one_task_process(task_name="第一版"))])
    old = client.post(
        "/api/v1/process-definitions/simple/instances",
        json={"business_key": "A"},
        headers=auth.headers("clerk"),
    ).json
    second = deploy(client, auth, [("simple.bpmn", one_task_process(task_name="第二版"))]).json["processes"][
        0
    ]
    assert second["version"] == 2
    new = client.post(
        "/api/v1/process-definitions/simple/instances",
        json={"business_key": "B"},
        headers=auth.headers("clerk"),
    ).json
    assert (old["definition_version"], new["definition_version"]) == (1, 2)
    assert old["active_tasks"][0]["name"] == "第一版"
    assert new["active_tasks"][0]["name"] == "第二版"
    reread = client.get(f"/api/v1/process-instances/{old['id']}", headers=auth.headers("admin")).json
    assert reread["definition_version"] == 1


def test_changing_only_a_form_makes_a_new_version(client, auth):
    schema = b'{"type": "object", "properties": {"x": {"type": "string"}}}'
    deploy(client, auth, [("simple.bpmn", one_task_process()), ("simple/do_it.schema.json", schema)])
    changed = b'{"type": "object", "required": ["x"], "properties": {"x": {"type": "string"}}}'
    response = deploy(client, auth, [("simple/do_it.schema.json", changed)])
    assert response.status_code == 201
    assert response.json["processes"][0]["version"] == 2


def test_only_designers_may_deploy(client, auth):
    response = deploy(client, auth, [("simple.bpmn", one_task_process())], group="clerk")
    assert response.status_code == 403


def test_camunda_modeler_extensions_are_understood(client, auth):
    files = [data_file("bpmn/camunda_modeler.bpmn"), data_file("forms/camunda_request.schema.json")]
    assert deploy(client, auth, files).status_code == 201
    started = client.post(
        "/api/v1/process-definitions/leave_request/instances", json={}, headers=auth.headers("clerk")
    ).json
    fill = started["active_tasks"][0]
    assert fill["candidate_groups"] == ["clerk"]
    detail = client.get(f"/api/v1/tasks/{fill['id']}", headers=auth.headers("clerk")).json
    assert detail["form"]["schema"]["required"] == ["days"]
    client.post(
        f"/api/v1/tasks/{fill['id']}/complete", json={"data": {"days": 3}}, headers=auth.headers("clerk")
    )
    approve = client.get("/api/v1/tasks", headers=auth.headers("approver")).json[0]
    assert approve["candidate_groups"] == ["admin", "approver"]
    form = client.get(f"/api/v1/tasks/{approve['id']}", headers=auth.headers("approver")).json["form"][
        "schema"
    ]
    assert form["properties"]["level"]["enum"] == ["low", "high"]
    assert form["required"] == ["approved"]
    bad = client.post(
        f"/api/v1/tasks/{approve['id']}/complete",
        json={"data": {"level": "low"}},
        headers=auth.headers("approver"),
    )
    assert bad.status_code == 422
    done = client.post(
        f"/api/v1/tasks/{approve['id']}/complete",
        json={"data": {"approved": True, "level": "low"}},
        headers=auth.headers("approver"),
    )
    assert done.json["instance"]["status"] == "completed"
    history = client.get(
        f"/api/v1/process-instances/{started['id']}/history", headers=auth.headers("admin")
    ).json
    assert history[-1]["action"] == "instance_completed"


_GATEWAY = """
  <bpmn:process id="bad_gateway" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="gw" />
    <bpmn:exclusiveGateway id="gw" />
    <bpmn:sequenceFlow id="f_yes" sourceRef="gw" targetRef="end">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">ok</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_no" sourceRef="gw" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>"""

_SCRIPT = """
  <bpmn:process id="bad_script" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="calc" />
    <bpmn:scriptTask id="calc"><bpmn:script>x = = 1</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="calc" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>"""

_SANDBOX = _SCRIPT.replace("bad_script", "sneaky_script").replace("x = = 1", "x = ().__class__")

_CALL = """
  <bpmn:process id="bad_call" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call" />
    <bpmn:callActivity id="call" calledElement="no_such_process" />
    <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>"""

_FORM = """
  <bpmn:process id="bad_form" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="fill" />
    <bpmn:userTask id="fill" camunda:candidateGroups="clerk" camunda:formKey="missing.schema.json" />
    <bpmn:sequenceFlow id="f2" sourceRef="fill" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>"""

_NO_GROUP = _FORM.replace("bad_form", "no_group").replace(
    'camunda:candidateGroups="clerk" camunda:formKey="missing.schema.json" ', ""
)


@pytest.mark.parametrize(
    ("content", "element", "words"),
    [
        (bpmn_document(_GATEWAY), "f_no", "without condition"),
        (bpmn_document(_SCRIPT), "calc", "script"),
        (bpmn_document(_SANDBOX), "calc", "__class__"),
        (bpmn_document(_CALL), "call", "no_such_process"),
        (bpmn_document(_FORM), "fill", "missing.schema.json"),
        (bpmn_document(_NO_GROUP), "fill", "candidate group"),
    ],
)
def test_invalid_diagrams_are_422_naming_file_and_element(client, auth, content, element, words):
    response = deploy(client, auth, [("broken.bpmn", content)])
    assert response.status_code == 422, response.json
    assert response.json["file"] == "broken.bpmn"
    assert response.json["element"] == element
    assert words in response.json["detail"]


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("broken.bpmn", b"<bpmn:definitions", "not well-formed XML"),
        ("broken.bpmn", b"<html><body>hello</body></html>", "not a BPMN 2.0 document"),
        ("notes.txt", b"hello", "only .bpmn, .dmn and form .json"),
        ("simple/do_it.schema.json", b"{not json", "not valid JSON"),
        ("simple/do_it.schema.json", b'{"type": 12}', "not a valid JSON Schema"),
    ],
)
def test_unreadable_files_are_422_naming_the_file(client, auth, name, content, words):
    response = deploy(client, auth, [("simple.bpmn", one_task_process()), (name, content)])
    assert response.status_code == 422
    assert response.json["file"] == name
    assert words in response.json["detail"]


def test_schema_invalid_bpmn_is_422_with_the_line(client, auth):
    content = bpmn_document('<bpmn:process id="p" isExecutable="true"><bpmn:bogus /></bpmn:process>')
    response = deploy(client, auth, [("broken.bpmn", content)])
    assert response.status_code == 422
    assert "line" in response.json["detail"]


def test_a_failed_deployment_stores_nothing(client, auth):
    files = [("simple.bpmn", one_task_process()), ("broken.bpmn", bpmn_document(_GATEWAY))]
    assert deploy(client, auth, files).status_code == 422
    listed = client.get("/api/v1/process-definitions", headers=auth.headers("clerk")).json
    assert listed == []


def test_a_call_activity_runs_the_latest_called_version_pinned_at_start(client, auth):
    deploy(client, auth, [data_file("bpmn/child_called.bpmn"), data_file("bpmn/parent_call.bpmn")])
    first = client.post(
        "/api/v1/process-definitions/parent_call/instances", json={}, headers=auth.headers("clerk")
    )
    assert [t["name"] for t in first.json["active_tasks"]] == ["子任务 v1"]
    child_v2 = data_file("bpmn/child_called.bpmn")[1].replace("子任务 v1".encode(), "子任务 v2".encode())
    deploy(client, auth, [("child_called.bpmn", child_v2)])
    second = client.post(
        "/api/v1/process-definitions/parent_call/instances", json={}, headers=auth.headers("clerk")
    )
    assert [t["name"] for t in second.json["active_tasks"]] == ["子任务 v2"]
    task = first.json["active_tasks"][0]
    done = client.post(
        f"/api/v1/tasks/{task['id']}/complete", json={"data": {}}, headers=auth.headers("review_center")
    )
    assert [t["bpmn_id"] for t in done.json["instance"]["active_tasks"]] == ["after"]
    variables = client.get(
        f"/api/v1/process-instances/{first.json['id']}", headers=auth.headers("admin")
    ).json
    assert variables["variables"]["child_done"] is True


def test_camunda_multi_instance_gives_each_element_its_own_task(client, auth):
    assert deploy(client, auth, [data_file("bpmn/camunda_multi_instance.bpmn")]).status_code == 201
    started = client.post(
        "/api/v1/process-definitions/countersign/instances",
        json={"variables": {"signers": ["approver1", "approver2"]}},
        headers=auth.headers("clerk"),
    ).json
    assert sorted(t["assignee"] for t in started["active_tasks"]) == ["approver1", "approver2"]
