"""The service operation ``record_audit_event``: a diagram adds a named entry to the case's audit trail."""

import pytest

from ..factories import CaseDriver, bpmn_document, multipart


def recording_process(action: str) -> bytes:
    """start -> service task recording ``action`` with the start variables -> user task -> end."""
    return bpmn_document(
        f"""
  <bpmn:process id="noted" name="noted" isExecutable="true" camunda:candidateStarterGroups="clerk">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="note" />
    <bpmn:serviceTask id="note">
      <bpmn:extensionElements>
        <spiffworkflow:serviceTaskOperator id="record_audit_event">
          <spiffworkflow:parameters>
            <spiffworkflow:parameter id="action" type="any" value="'{action}'" />
            <spiffworkflow:parameter id="details" type="any" value="{{'reason': reason}}" />
          </spiffworkflow:parameters>
        </spiffworkflow:serviceTaskOperator>
      </bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="note" targetRef="review" />
    <bpmn:userTask id="review" camunda:candidateGroups="clerk" />
    <bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>"""
    )


@pytest.fixture
def start(client, auth):
    def start(action: str) -> dict:
        files = [("noted.bpmn", recording_process(action))]
        deployed = client.post("/api/v1/deployments", data=multipart(files), headers=auth.headers("designer"))
        assert deployed.status_code == 201, deployed.json
        return CaseDriver(client, auth).start("noted", variables={"reason": "情况特殊"})

    return start


def test_the_entry_is_in_the_history_as_the_person_who_moved_the_case(client, auth, start):
    case = start("special_case_noted")
    history = client.get(
        f"/api/v1/process-instances/{case['id']}/history", headers=auth.headers("clerk")
    ).json
    [entry] = [e for e in history if e["action"] == "special_case_noted"]
    assert (entry["actor"], entry["details"]) == ("clerk1", {"reason": "情况特殊"})


@pytest.mark.parametrize("action", ["instance_cancelled", "Bad Name"])
def test_an_action_the_engine_records_itself_puts_the_case_in_error(start, action):
    case = start(action)
    assert case["status"] == "error"
    assert case["error"]["element_id"] == "note"
