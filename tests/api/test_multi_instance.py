"""Multi-instance tasks (会签 / 或签) as Camunda Modeler writes them: one task per element."""

import pytest

from ..factories import CaseDriver, bpmn_document, multipart

SIGNERS = ["approver1", "approver2", "approver3"]


def _countersign(loop: str, assignee: str = "${signer}") -> bytes:
    return bpmn_document(f"""
  <bpmn:process id="countersign" isExecutable="true" camunda:candidateStarterGroups="clerk">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="sign" />
    <bpmn:userTask id="sign" name="会签" camunda:assignee="{assignee}" camunda:candidateGroups="approver">
      {loop}
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="sign" targetRef="archive" />
    <bpmn:userTask id="archive" camunda:candidateGroups="clerk" />
    <bpmn:sequenceFlow id="f3" sourceRef="archive" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>""")


def _loop(attributes: str, inner: str = "", sequential: bool = False) -> str:
    if sequential:
        attributes = f'isSequential="true" {attributes}'
    return (
        f"<bpmn:multiInstanceLoopCharacteristics {attributes}>{inner}</bpmn:multiInstanceLoopCharacteristics>"
    )


_SIGNERS = 'camunda:collection="${signers}" camunda:elementVariable="signer"'


def _deploy(client, auth, content):
    files = multipart([("countersign.bpmn", content)])
    return client.post("/api/v1/deployments", data=files, headers=auth.headers("designer"))


def _sign_tasks(driver, instance_id):
    tasks = driver.instance(instance_id)["active_tasks"]
    return sorted((t["assignee"] for t in tasks if t["bpmn_id"] == "sign"), key=str)


def _sign(driver, instance_id, user):
    driver.complete_as(instance_id, "sign", "approver", user, {"opinion": "同意"})


@pytest.mark.parametrize("collection", ["${signers}", "signers", " ${ signers } "])
def test_a_camunda_collection_gives_one_task_per_element(client, auth, collection):
    loop = _loop(f'camunda:collection="{collection}" camunda:elementVariable="signer"')
    assert _deploy(client, auth, _countersign(loop)).status_code == 201
    driver = CaseDriver(client, auth)
    case = driver.start("countersign", {"signers": SIGNERS})
    assert _sign_tasks(driver, case["id"]) == SIGNERS


def test_loop_cardinality_beside_a_collection_is_ignored_with_a_warning(client, auth):
    loop = _loop(_SIGNERS, "<bpmn:loopCardinality>${signers.size()}</bpmn:loopCardinality>")
    response = _deploy(client, auth, _countersign(loop))
    assert response.status_code == 201, response.json
    warnings = response.json["processes"][0]["warnings"]
    assert [w["element"] for w in warnings if "loopCardinality" in w["detail"]] == ["sign"]
    driver = CaseDriver(client, auth)
    case = driver.start("countersign", {"signers": SIGNERS})
    assert _sign_tasks(driver, case["id"]) == SIGNERS


def test_without_an_element_variable_each_instance_sees_item(client, auth):
    loop = _loop('camunda:collection="${signers}"')
    assert _deploy(client, auth, _countersign(loop, assignee="${item}")).status_code == 201
    driver = CaseDriver(client, auth)
    case = driver.start("countersign", {"signers": SIGNERS})
    assert _sign_tasks(driver, case["id"]) == SIGNERS


def test_a_sequential_collection_opens_one_task_at_a_time_in_order(client, auth):
    loop = _loop(_SIGNERS, sequential=True)
    assert _deploy(client, auth, _countersign(loop)).status_code == 201
    driver = CaseDriver(client, auth)
    case = driver.start("countersign", {"signers": SIGNERS})
    for user in SIGNERS:
        assert _sign_tasks(driver, case["id"]) == [user]
        _sign(driver, case["id"], user)
    assert driver.active(case["id"]) == ["archive"]


def test_a_camunda_completion_condition_ends_an_any_one_sign_after_the_first(client, auth):
    condition = (
        "${nrOfCompletedInstances >= 1 &amp;&amp; nrOfInstances == 3 &amp;&amp; nrOfActiveInstances == 2}"
    )
    loop = _loop(_SIGNERS, f"<bpmn:completionCondition>{condition}</bpmn:completionCondition>")
    assert _deploy(client, auth, _countersign(loop)).status_code == 201
    driver = CaseDriver(client, auth)
    case = driver.start("countersign", {"signers": SIGNERS})
    _sign(driver, case["id"], "approver2")
    assert driver.instance(case["id"])["status"] == "running"
    assert driver.active(case["id"]) == ["archive"]


def test_a_completion_condition_sees_the_loop_counter(client, auth):
    condition = "<bpmn:completionCondition>${loopCounter == 1}</bpmn:completionCondition>"
    loop = _loop(_SIGNERS, condition, sequential=True)
    assert _deploy(client, auth, _countersign(loop)).status_code == 201
    driver = CaseDriver(client, auth)
    case = driver.start("countersign", {"signers": SIGNERS})
    _sign(driver, case["id"], "approver1")
    _sign(driver, case["id"], "approver2")
    assert driver.active(case["id"]) == ["archive"]


@pytest.mark.parametrize(
    ("loop", "words"),
    [
        (
            _loop('camunda:collection="${review.members}" camunda:elementVariable="m"'),
            "camunda:collection '${review.members}'",
        ),
        (
            _loop('camunda:elementVariable="signer"', "<bpmn:loopCardinality>3</bpmn:loopCardinality>"),
            "camunda:elementVariable 'signer' needs camunda:collection",
        ),
        (
            _loop(
                _SIGNERS,
                "<bpmn:completionCondition>${nrOfCompletedInstances &gt;=}</bpmn:completionCondition>",
            ),
            "expression error",
        ),
    ],
)
def test_a_multi_instance_shape_the_engine_cannot_run_is_422(client, auth, loop, words):
    response = _deploy(client, auth, _countersign(loop))
    assert response.status_code == 422, response.json
    assert (response.json["file"], response.json["element"]) == ("countersign.bpmn", "sign")
    assert words in response.json["detail"]


def test_two_activities_may_name_the_same_element_variable(client, auth):
    second = (
        f'<bpmn:userTask id="sign_again" camunda:assignee="${{signer}}" camunda:candidateGroups="approver">'
        f"{_loop(_SIGNERS)}</bpmn:userTask>"
    )
    content = _countersign(_loop(_SIGNERS)).decode()
    content = content.replace('targetRef="archive" />', 'targetRef="sign_again" />', 1)
    content = content.replace(
        '<bpmn:userTask id="archive"',
        f'{second}<bpmn:sequenceFlow id="f4" sourceRef="sign_again" targetRef="archive" />'
        '<bpmn:userTask id="archive"',
    )
    response = _deploy(client, auth, content.encode())
    assert response.status_code == 201, response.json
