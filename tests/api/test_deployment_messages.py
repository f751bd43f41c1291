"""SpiffWorkflow's parser messages are rewritten to say what to change, naming file and element."""

import pytest

from ..factories import bpmn_document, multipart


def deploy(client, auth, files):
    return client.post("/api/v1/deployments", data=multipart(files), headers=auth.headers("designer"))


def _flow(task: str, target: str = "t") -> str:
    return f"""
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="{target}" />
    {task}
    <bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>"""


_USER = '<bpmn:userTask id="t" camunda:candidateGroups="clerk">{}</bpmn:userTask>'
_MI = "<bpmn:multiInstanceLoopCharacteristics>{}</bpmn:multiInstanceLoopCharacteristics>"
_TIMER = "<bpmn:timerEventDefinition />"
_CANCEL = "<bpmn:cancelEventDefinition />"


@pytest.mark.parametrize(
    ("body", "element", "words"),
    [
        (_flow(_USER.format(""), target="gone"), "f1", "leads to 'gone', which is no element"),
        (_flow(_USER.format(_MI.format(""))), "t", "set camunda:collection"),
        (
            _flow(
                _USER.format(
                    _MI.format(
                        "<bpmn:loopCardinality>2</bpmn:loopCardinality>"
                        "<bpmn:loopDataInputRef>signers</bpmn:loopDataInputRef>"
                    )
                )
            ),
            "t",
            "either loopCardinality or loopDataInputRef",
        ),
        (
            _flow(_USER.format("") + '<bpmn:sequenceFlow id="f3" sourceRef="t" targetRef="end" />'),
            "t",
            "put a gateway after it",
        ),
        (
            '<bpmn:process id="p" isExecutable="true"><bpmn:endEvent id="end" /></bpmn:process>',
            "p",
            "add one",
        ),
        (_flow('<bpmn:complexGateway id="t" />'), "t", "bpmn:complexGateway is not supported"),
        (_flow(_USER.format("<bpmn:standardLoopCharacteristics />")), "t", "loopMaximum"),
        (
            _flow('<bpmn:intermediateCatchEvent id="t">' + _TIMER + "</bpmn:intermediateCatchEvent>"),
            "t",
            "the timer has no value",
        ),
        (_flow('<bpmn:businessRuleTask id="t" />'), "t", "names no DMN decision"),
        (_flow('<bpmn:businessRuleTask id="t" camunda:decisionRef="fees" />'), "t", "deploy its .dmn file"),
        (
            _flow(
                _USER.format("")
                + '<bpmn:boundaryEvent id="b" attachedToRef="t">'
                + _CANCEL
                + "</bpmn:boundaryEvent>"
            ),
            "t",
            "transaction",
        ),
    ],
)
def test_spiffworkflow_parser_messages_say_what_to_change(client, auth, body, element, words):
    response = deploy(client, auth, [("model.bpmn", bpmn_document(body))])
    assert response.status_code == 422, response.json
    assert (response.json["file"], response.json["element"]) == ("model.bpmn", element)
    detail = response.json["detail"]
    assert words in detail
    assert f"model.bpmn element '{element}'" in detail


def test_an_xml_schema_error_names_the_element_of_its_line(client, auth):
    body = _flow(_USER.format("<bpmn:bogus />"))
    response = deploy(client, auth, [("model.bpmn", bpmn_document(body))])
    assert response.status_code == 422, response.json
    assert response.json["element"] == "t"
    detail = response.json["detail"]
    assert "line 7" in detail and "model.bpmn element 't'" in detail
    assert "bpmn:bogus" in detail and "{http" not in detail


def test_an_xml_schema_error_on_an_element_without_id_names_the_enclosing_one(client, auth):
    body = _flow(
        _USER.format(
            '<bpmn:extensionElements><spiffworkflow:serviceTaskOperator id="x" /></bpmn:extensionElements>'
        )
    )
    response = deploy(client, auth, [("model.bpmn", bpmn_document(body))])
    assert response.status_code == 422, response.json
    assert response.json["element"] == "t"
    assert "spiffworkflow:parameters" in response.json["detail"]
