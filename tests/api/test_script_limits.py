"""A designer's runaway script or condition stops at its limit and puts only its own case in error."""

import threading
import time
from xml.sax.saxutils import escape

import pytest

from ..factories import CaseDriver, bpmn_document, multipart

LIMIT = 0.5
# Generous: the limit plus the request's own work on a busy machine, far below "forever".
PROMPTLY = LIMIT + 4.0
SWALLOWED_IN_FINALLY = (
    "def f():\n    try:\n        while True:\n            pass\n    finally:\n        return 1\ny = f()"
)


@pytest.fixture
def case(app, client, auth):
    config = app.extensions["engine_config"]
    config.script_time_limit_seconds = LIMIT
    config.script_memory_limit_mb = 64
    return CaseDriver(client, auth)


def script_process(script: str, key: str = "runaway") -> bytes:
    """start -> script `compute` -> user task `review` -> end."""
    return bpmn_document(
        f"""
  <bpmn:process id="{key}" isExecutable="true" camunda:candidateStarterGroups="clerk">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="compute" />
    <bpmn:scriptTask id="compute" name="计算"><bpmn:script>{escape(script)}</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="compute" targetRef="review" />
    <bpmn:userTask id="review" camunda:candidateGroups="clerk" />
    <bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>"""
    )


def condition_process(condition: str, key: str = "runaway_condition") -> bytes:
    """start -> gateway `decide` (condition on `f_yes`, default `f_no`) -> end."""
    return bpmn_document(
        f"""
  <bpmn:process id="{key}" isExecutable="true" camunda:candidateStarterGroups="clerk">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="decide" />
    <bpmn:exclusiveGateway id="decide" default="f_no" />
    <bpmn:sequenceFlow id="f_yes" sourceRef="decide" targetRef="end">
      <bpmn:conditionExpression>{escape(condition)}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_no" sourceRef="decide" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>"""
    )


def deploy(client, auth, name: str, content: bytes) -> None:
    response = client.post(
        "/api/v1/deployments", data=multipart([(name, content)]), headers=auth.headers("designer")
    )
    assert response.status_code == 201, response.json


def start(client, auth, key: str) -> tuple[dict, float]:
    began = time.monotonic()
    response = client.post(
        f"/api/v1/process-definitions/{key}/instances", json={}, headers=auth.headers("clerk")
    )
    assert response.status_code == 201, response.json
    return response.json, time.monotonic() - began


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("script", "message"),
    [
        ("while True:\n    pass", "longer than its 0.5 s limit"),
        ("try:\n    while True:\n        pass\nexcept:\n    caught = True", "longer than its 0.5 s"),
        (SWALLOWED_IN_FINALLY, "longer than its 0.5 s"),
        ("def f(n):\n    return f(n - 1) + f(n - 1) if n else 1\nx = f(200)", "longer than its 0.5 s"),
        ("x = sum(a * b for a in range(10**7) for b in range(10**7))", "longer than its 0.5 s"),
        ("x = sum([[0]] * 10**6, [])", "longer than its 0.5 s"),
        ("x = [0] * 10**10", "items"),
        ("x = 'x' * 10**10", "items"),
        ("x = list(range(10**10))", "items"),
        ("x = 'x'.ljust(10**9)", "more than 64 MB"),
        ("x = [[0] * 10**6 for i in range(200)]", "more than 64 MB"),
        ("n = 10**10**10", "digits"),
        ("n = pow(10, 10**10)", "digits"),
        ("n = 1 << 10**10", "digits"),
        ("n = 3\nfor i in range(100):\n    n = n * n", "digits"),
        ("x = []\nfor i in range(64):\n    x = [x, x]", "values"),
    ],
)
def test_a_runaway_script_stops_at_its_limit_and_puts_the_case_in_error(client, auth, case, script, message):
    deploy(client, auth, "runaway.bpmn", script_process(script))
    instance, elapsed = start(client, auth, "runaway")
    assert instance["status"] == "error"
    assert instance["error"]["element_id"] == "compute"
    assert message in instance["error"]["message"]
    assert not instance["error"]["message"].startswith("ScriptLimitExceeded"), "no class name before it"
    assert elapsed < PROMPTLY
    assert instance["active_tasks"] == []


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ("any(a == b + 1 for a in range(10**7) for b in range(10**7))", "longer than its 0.5 s limit"),
        ("10**10**10 > 1", "digits"),
        ("(x for x in [1]).throw(SystemExit)", "SystemExit"),
        ("(x for x in [1]).throw(KeyboardInterrupt)", "KeyboardInterrupt"),
    ],
)
def test_a_runaway_condition_stops_at_its_limit_and_puts_the_case_in_error(
    client, auth, case, condition, message
):
    deploy(client, auth, "runaway_condition.bpmn", condition_process(condition))
    instance, elapsed = start(client, auth, "runaway_condition")
    assert instance["status"] == "error"
    assert instance["error"]["element_id"] == "decide"
    assert message in instance["error"]["message"]
    assert elapsed < PROMPTLY


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "script",
    [
        "raise SystemExit",
        "raise SystemExit(0)",
        "raise KeyboardInterrupt",
        "raise GeneratorExit",
        "raise BaseException('stop')",
        "def f():\n    raise SystemExit(1)\ntry:\n    f()\nexcept:\n    pass\nx = 1",
    ],
)
def test_exiting_from_a_script_puts_the_case_in_error_and_the_service_goes_on(client, auth, case, script):
    deploy(client, auth, "runaway.bpmn", script_process(script))
    instance, _ = start(client, auth, "runaway")
    assert instance["status"] == "error"
    assert instance["error"]["element_id"] == "compute"
    assert "may not" in instance["error"]["message"]
    assert client.get("/healthz").status_code == 200


def test_ordinary_scripts_still_compute(client, auth, case):
    script = (
        "total = sum(x * 2 for x in range(10))\nbig = str(2**100 * 3)\nwords = ' '.join(['a'] * 3)\n"
        "shifted = 1 << 40\nrounded = round(1234, -2)\nlabels = {k: v for k, v in zip('ab', [1, 2])}\n"
        "n = 0\nwhile n < 5:\n    n += 1\nsquares = list(map(lambda v: v * v, [1, 2, 3]))"
    )
    deploy(client, auth, "runaway.bpmn", script_process(script))
    instance, _ = start(client, auth, "runaway")
    assert instance["status"] == "running", instance["error"]
    variables = instance["variables"]
    assert (variables["total"], variables["big"], variables["words"]) == (90, str(3 * 2**100), "a a a")
    assert (variables["shifted"], variables["rounded"], variables["n"]) == (2**40, 1200, 5)
    assert (variables["labels"], variables["squares"]) == ({"a": 1, "b": 2}, [1, 4, 9])


def test_a_script_leaving_an_integer_past_64_bits_puts_the_case_in_error(client, auth, case):
    deploy(client, auth, "runaway.bpmn", script_process("ok = 2**63 - 1\ntoo_big = 2**64"))
    instance, _ = start(client, auth, "runaway")
    assert instance["status"] == "error"
    assert "'too_big'" in instance["error"]["message"] and "64-bit" in instance["error"]["message"]


@pytest.mark.timeout(60)
def test_other_cases_go_on_while_a_script_runs_away(app, client, auth, case):
    deploy(client, auth, "runaway.bpmn", script_process("while True:\n    pass"))
    deploy(client, auth, "steady.bpmn", script_process("x = 1", key="steady"))
    steady = case.start("steady", variables={})["id"]
    runaway = {}
    thread = threading.Thread(target=lambda: runaway.update(instance=start(client, auth, "runaway")[0]))
    thread.start()
    time.sleep(0.1)
    began = time.monotonic()
    case.complete(steady, "review", "clerk", {})
    other = case.start("steady", variables={})
    waited = time.monotonic() - began
    thread.join(timeout=PROMPTLY * 2)
    assert not thread.is_alive()
    assert runaway["instance"]["status"] == "error"
    assert case.instance(steady)["status"] == "completed"
    assert other["status"] == "running"
    assert waited < PROMPTLY


def test_a_runaway_start_timer_expression_is_refused_at_deployment(client, auth, case):
    timer = "'R1/' + str(sum(a * b for a in range(10**7) for b in range(10**7)))"
    content = bpmn_document(
        f"""
  <bpmn:process id="timed" isExecutable="true">
    <bpmn:startEvent id="every_day">
      <bpmn:timerEventDefinition><bpmn:timeCycle>{escape(timer)}</bpmn:timeCycle></bpmn:timerEventDefinition>
    </bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="every_day" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>"""
    )
    response = client.post(
        "/api/v1/deployments", data=multipart([("timed.bpmn", content)]), headers=auth.headers("designer")
    )
    assert response.status_code == 422
    assert (response.json["file"], response.json["element"]) == ("timed.bpmn", "every_day")
    assert "longer than its 0.5 s limit" in response.json["detail"]


def test_the_error_names_the_line_of_the_script_that_exited(client, auth, case):
    deploy(client, auth, "runaway.bpmn", script_process("x = 1\nraise SystemExit"))
    instance, _ = start(client, auth, "runaway")
    assert (instance["error"]["element_id"], instance["error"]["line"]) == ("compute", 2)
