"""The use cases without Flask: deploy, start, complete, claim and unclaim.

Each step runs in a fresh session (see ``Engine`` in conftest.py), so what a step checks was
saved by the step before and read back from the database.
"""

import pytest

from workflows.deployments import list_definitions
from workflows.errors import Conflict, InvalidInput, NotPermitted
from workflows.tasks import claim_task, complete_task, get_task, unclaim_task

from ..factories import application, credit_code, one_task_process, shipped_files
from .conftest import ADMIN, actor

CLERK, CLERK2, APPROVER = actor("clerk"), actor("clerk", "clerk2"), actor("approver")


@pytest.fixture
def shipped(engine) -> dict:
    """The shipped diagrams and forms (bpmn/, forms/), deployed as `flask deploy` deploys them."""
    return engine.deploy(shipped_files())


@pytest.fixture
def simple_task(engine) -> tuple[str, str]:
    """A case of ``simple`` waiting at its one clerk task: (case id, task id)."""
    engine.deploy([("simple.bpmn", one_task_process())])
    instance_id = engine.start("simple", {}, by=CLERK)
    return instance_id, engine.task_id(instance_id, "do_it", CLERK)


def test_every_shipped_diagram_deploys_as_version_one(engine, shipped):
    keys = {"case_referral", "qualification_approval", "reviewer_assignment", "spot_check"}
    assert keys <= set(shipped)
    assert set(shipped.values()) == {1}
    assert engine.history().count("definition_deployed") == len(shipped)


def test_unchanged_files_keep_their_version_and_a_change_adds_one(engine):
    assert engine.deploy([("simple.bpmn", one_task_process())]) == {"simple": 1}
    assert engine.deploy([("simple.bpmn", one_task_process())]) == {"simple": 1}
    assert engine.deploy([("simple.bpmn", one_task_process(task_name="复核"))]) == {"simple": 2}
    assert [d.version for d in engine(list_definitions, "simple", all_versions=True)] == [1, 2]


def test_a_case_starts_on_the_latest_version_with_its_variables(engine):
    engine.deploy([("simple.bpmn", one_task_process())])
    engine.deploy([("simple.bpmn", one_task_process(task_name="复核"))])
    instance_id = engine.start("simple", {"pages": 12}, by=CLERK)
    case = engine.instance(instance_id)
    assert (case.status, case.definition_version) == ("running", 2)
    assert case.variables == {"pages": 12, "received_at": "2026-03-02T09:00:00+08:00"}
    assert [t.name for t in case.active_tasks] == ["复核"]
    assert engine.history(instance_id) == ["instance_started", "task_created"]


def test_a_shipped_process_starts_at_its_first_task(engine, shipped):
    variables = application(applicant={"name": "天津市某检测技术有限公司", "credit_code": credit_code()})
    instance_id = engine.start("qualification_approval", variables, by=CLERK)
    assert engine.active(instance_id) == ["accept_application"]
    assert engine.instance(instance_id).variables["applicant"] == variables["applicant"]


def test_an_answer_failing_the_form_changes_nothing_and_a_valid_one_moves_the_case_on(engine, shipped):
    instance_id = engine.start("qualification_approval", application(), by=CLERK)
    task_id = engine.task_id(instance_id, "accept_application", CLERK)
    with pytest.raises(InvalidInput) as refused:
        engine(complete_task, CLERK, task_id, {"decision": "supplement"})
    assert [e.pointer for e in refused.value.errors] == ["/data/missing_items"]
    assert engine.active(instance_id) == ["accept_application"]
    assert engine(get_task, CLERK, task_id).task.assignee is None
    engine(complete_task, CLERK, task_id, {"decision": "accept"})
    assert engine.active(instance_id) == ["resolve_draw"]
    assert engine(get_task, CLERK, task_id).task.completed_by == "clerk1"
    assert "task_completed" in engine.history(instance_id)


def test_a_claimed_task_is_closed_to_the_rest_of_the_group_until_released(engine, simple_task):
    instance_id, task_id = simple_task
    assert engine(claim_task, CLERK2, task_id).assignee == "clerk2"
    with pytest.raises(Conflict):
        engine(claim_task, CLERK, task_id)
    with pytest.raises(Conflict):
        engine(complete_task, CLERK, task_id, {})
    with pytest.raises(Conflict):
        engine(unclaim_task, CLERK, task_id)
    assert engine(unclaim_task, CLERK2, task_id).assignee is None
    assert engine(claim_task, CLERK, task_id).assignee == "clerk1"
    assert engine.history(instance_id)[-3:] == ["task_claimed", "task_unclaimed", "task_claimed"]


def test_claiming_a_task_of_another_group_is_not_permitted(engine, simple_task):
    _, task_id = simple_task
    with pytest.raises(NotPermitted):
        engine(claim_task, APPROVER, task_id)
    assert engine(get_task, CLERK, task_id).task.assignee is None


def test_an_admin_may_release_someone_elses_claim(engine, simple_task):
    _, task_id = simple_task
    engine(claim_task, CLERK2, task_id)
    assert engine(unclaim_task, ADMIN, task_id).assignee is None


def test_claiming_my_own_claimed_task_again_changes_nothing(engine, simple_task):
    instance_id, task_id = simple_task
    engine(claim_task, CLERK, task_id)
    assert engine(claim_task, CLERK, task_id).assignee == "clerk1"
    assert engine.history(instance_id).count("task_claimed") == 1


def test_completing_the_last_task_completes_the_case(engine, simple_task):
    instance_id, task_id = simple_task
    task, case = engine(complete_task, CLERK, task_id, {"note": "办结"})
    assert (task.state, task.assignee) == ("completed", "clerk1")
    reloaded = engine.instance(instance_id)
    assert (reloaded.status, reloaded.active_tasks) == ("completed", [])
    assert reloaded.variables["note"] == "办结"
    with pytest.raises(Conflict):
        engine(complete_task, CLERK, task_id, {})
