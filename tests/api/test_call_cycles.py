"""Processes that call themselves are refused at deployment; nesting is bounded at run time."""

import pytest

from ..factories import CaseDriver, bpmn_document, multipart


def calling_process(key: str, calls: str | None, starters: str = "clerk") -> bytes:
    """start -> call activity `call_<calls>` (if any) -> user task `after` -> end."""
    if calls is None:
        middle = '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="after" />'
    else:
        middle = (
            f'<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call_{calls}" />'
            f'<bpmn:callActivity id="call_{calls}" calledElement="{calls}" />'
            f'<bpmn:sequenceFlow id="f2" sourceRef="call_{calls}" targetRef="after" />'
        )
    return bpmn_document(
        f"""
  <bpmn:process id="{key}" isExecutable="true" camunda:candidateStarterGroups="{starters}">
    <bpmn:startEvent id="start" />
    {middle}
    <bpmn:userTask id="after" camunda:candidateGroups="clerk" />
    <bpmn:sequenceFlow id="f3" sourceRef="after" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>"""
    )


def self_starting_process(key: str = "self_start") -> bytes:
    """A service task starts another case of the same process, one level deeper each time."""
    return bpmn_document(
        f"""
  <bpmn:process id="{key}" isExecutable="true" camunda:candidateStarterGroups="clerk">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="again" />
    <bpmn:serviceTask id="again">
      <bpmn:extensionElements>
        <spiffworkflow:serviceTaskOperator id="start_process" resultVariable="started">
          <spiffworkflow:parameters>
            <spiffworkflow:parameter id="process_key" type="any" value="'{key}'" />
            <spiffworkflow:parameter id="business_key" type="any" value="'level-' + str(level + 1)" />
            <spiffworkflow:parameter id="variables" type="any" value="{{'level': level + 1}}" />
          </spiffworkflow:parameters>
        </spiffworkflow:serviceTaskOperator>
      </bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="again" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>"""
    )


def deploy(client, auth, files):
    return client.post("/api/v1/deployments", data=multipart(files), headers=auth.headers("designer"))


def test_a_process_calling_itself_is_refused_at_deployment(client, auth):
    response = deploy(client, auth, [("loop.bpmn", calling_process("loop", "loop"))])
    assert response.status_code == 422
    assert (response.json["file"], response.json["element"]) == ("loop.bpmn", "call_loop")
    assert "loop -> loop" in response.json["detail"]
    assert client.get("/api/v1/process-definitions?key=loop", headers=auth.headers("clerk")).json == []


def test_processes_calling_each_other_are_refused_at_deployment(client, auth):
    files = [
        ("a.bpmn", calling_process("proc_a", "proc_b")),
        ("b.bpmn", calling_process("proc_b", "proc_c")),
        ("c.bpmn", calling_process("proc_c", "proc_a")),
    ]
    response = deploy(client, auth, files)
    assert response.status_code == 422
    assert (response.json["file"], response.json["element"]) == ("a.bpmn", "call_proc_b")
    assert "proc_a -> proc_b -> proc_c -> proc_a" in response.json["detail"]


def test_a_cycle_closed_through_a_deployed_process_is_refused(client, auth):
    first = [("a.bpmn", calling_process("proc_a", "proc_b")), ("b.bpmn", calling_process("proc_b", None))]
    assert deploy(client, auth, first).status_code == 201
    response = deploy(client, auth, [("b.bpmn", calling_process("proc_b", "proc_a"))])
    assert response.status_code == 422
    assert (response.json["file"], response.json["element"]) == ("b.bpmn", "call_proc_a")
    assert "proc_b -> proc_a -> proc_b" in response.json["detail"]


def test_calls_without_a_cycle_are_deployed(client, auth):
    files = [
        ("a.bpmn", calling_process("proc_a", "proc_c")),
        ("b.bpmn", calling_process("proc_b", "proc_c")),
        ("c.bpmn", calling_process("proc_c", None)),
    ]
    assert deploy(client, auth, files).status_code == 201


@pytest.fixture
def shallow(app):
    app.extensions["engine_config"].max_call_depth = 3


def test_call_activities_nested_past_the_depth_limit_stop_the_case(client, auth, shallow):
    chain = [(f"p{n}.bpmn", calling_process(f"p{n}", f"p{n + 1}" if n < 5 else None)) for n in range(6)]
    assert deploy(client, auth, chain).status_code == 201
    case = CaseDriver(client, auth)
    deep = case.start("p0", variables={})
    assert deep["status"] == "error"
    assert deep["error"]["element_id"] == "call_p4"
    assert "nested more than 3" in deep["error"]["message"]
    shallower = case.start("p2", variables={})
    assert shallower["status"] == "running"
    assert [t["bpmn_id"] for t in shallower["active_tasks"]] == ["after"]


def test_a_process_starting_itself_stops_at_the_depth_limit(app, client, auth, shallow):
    assert deploy(client, auth, [("self_start.bpmn", self_starting_process())]).status_code == 201
    case = CaseDriver(client, auth)
    first = case.start("self_start", variables={"level": 0}, business_key="level-0")
    assert first["status"] == "completed"
    cases = client.get(
        "/api/v1/process-instances?process_key=self_start&page_size=100", headers=auth.headers("admin")
    ).json
    statuses = {c["business_key"]: c["status"] for c in cases}
    assert len(statuses) == 4
    assert statuses["level-3"] == "error"
    deepest = case.instance(next(c["id"] for c in cases if c["business_key"] == "level-3"))
    assert deepest["error"]["element_id"] == "again"
    assert "more than 3" in deepest["error"]["message"]
