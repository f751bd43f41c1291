"""A timer written as a period (Camunda Modeler's ``P3M``, ``P3D``) runs out as the Civil Code counts."""

from datetime import datetime

import pytest

from workflows.clock import BUREAU_TZ

from ..factories import CaseDriver, bpmn_document, multipart, run_worker


def _waiting(duration: str) -> bytes:
    return bpmn_document(f"""
  <bpmn:process id="period_wait" isExecutable="true" camunda:candidateStarterGroups="clerk">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
    <bpmn:intermediateCatchEvent id="wait">
      <bpmn:timerEventDefinition><bpmn:timeDuration>{duration}</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="follow_up" />
    <bpmn:userTask id="follow_up" camunda:candidateGroups="clerk" />
    <bpmn:sequenceFlow id="f3" sourceRef="follow_up" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>""")


@pytest.fixture
def case(client, auth):
    return CaseDriver(client, auth)


@pytest.mark.parametrize(
    ("duration", "started", "last_moment"),
    [
        # the corresponding day of the third month, to its end (24:00)
        ("P3M", datetime(2026, 12, 1, 15, 30), datetime(2027, 3, 1, 23, 59, 59)),
        # 31 January plus a month ends with February
        ("P1M", datetime(2026, 1, 31, 10, 0), datetime(2026, 2, 28, 23, 59, 59)),
        # three days from Tuesday 29 September 2026 end on 2 October, inside the National Day
        # holiday (1-7 October): the period runs to the next working day, Thursday 8 October
        ("P3D", datetime(2026, 9, 29, 10, 0), datetime(2026, 10, 8, 23, 59, 59)),
    ],
)
def test_a_period_timer_fires_after_the_last_day_of_the_period(
    app, client, auth, case, clock, duration, started, last_moment
):
    files = multipart([("period_wait.bpmn", _waiting(duration))])
    assert client.post("/api/v1/deployments", data=files, headers=auth.headers("designer")).status_code == 201
    clock.set(started.replace(tzinfo=BUREAU_TZ))
    iid = case.start("period_wait", variables={})["id"]
    clock.set(last_moment.replace(tzinfo=BUREAU_TZ))
    run_worker(app)
    assert case.active(iid) == [], "the period has not run out before the end of its last day"
    clock.advance(seconds=1)
    run_worker(app)
    assert case.active(iid) == ["follow_up"]


def test_a_timer_with_a_time_part_stays_exact(app, client, auth, case, clock):
    files = multipart([("period_wait.bpmn", _waiting("PT24H"))])
    assert client.post("/api/v1/deployments", data=files, headers=auth.headers("designer")).status_code == 201
    clock.set(datetime(2026, 9, 30, 10, 0, tzinfo=BUREAU_TZ))
    iid = case.start("period_wait", variables={})["id"]
    clock.set(datetime(2026, 10, 1, 10, 0, tzinfo=BUREAU_TZ))
    run_worker(app)
    assert case.active(iid) == ["follow_up"]
