"""Events without Flask: a message reaching its waiting case, a timer fired by the job
executor when the clock passes it, and the audit trail committing with its change."""

import pytest
from sqlalchemy import func, select

from workflows.errors import NotFound
from workflows.jobs.executor import run_due_jobs
from workflows.messages import deliver_message
from workflows.persistence import audit
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import AuditEvent, Task
from workflows.tasks import claim_task

from ..factories import data_file, one_task_process
from .conftest import actor

CLERK, CASE_OFFICER = actor("clerk"), actor("case_officer")


@pytest.fixture
def waiting(engine) -> list[tuple[str, str]]:
    """Two cases of ``message_wait`` waiting for public security's answer: (id, business key)."""
    engine.deploy([data_file("bpmn/message_wait.bpmn")])
    ids = [engine.start("message_wait", {}, by=CASE_OFFICER) for _ in range(2)]
    return [(i, engine.instance(i).business_key) for i in ids]


def test_a_message_moves_on_only_the_case_it_names(engine, waiting):
    (named, business_key), (other, _) = waiting
    delivered = engine(
        deliver_message, CASE_OFFICER, "public_security_answer", {"filed": True}, business_key=business_key
    )
    assert delivered == [named]
    assert engine.active(named) == ["handle_answer"]
    assert engine.instance(named).variables["filed"] is True
    assert engine.active(other) == []
    assert "message_received" not in engine.history(other)


def test_a_message_the_case_no_longer_waits_for_is_not_found(engine, waiting):
    (_, business_key), _ = waiting
    engine(deliver_message, CASE_OFFICER, "public_security_answer", {}, business_key=business_key)
    with pytest.raises(NotFound):
        engine(deliver_message, CASE_OFFICER, "public_security_answer", {}, business_key=business_key)


def test_a_timer_fires_through_the_job_executor_once_the_clock_passes_it(engine, clock):
    engine.deploy([data_file("bpmn/timer_wait.bpmn")])
    instance_id = engine.start("timer_wait", {}, by=CLERK)
    clock.advance(minutes=59)
    assert engine(run_due_jobs) == 0
    assert engine.instance(instance_id).status == "running"
    clock.advance(minutes=1)
    assert engine(run_due_jobs) == 1
    case = engine.instance(instance_id)
    assert case.status == "completed"
    assert case.variables["fired_at"] == "2026-03-02T10:00:00+08:00"
    assert "timer_fired" in engine.history(instance_id)
    assert engine(run_due_jobs) == 0


def _claim_in(uow, task_id: str, at) -> None:
    """What claiming does inside its transaction: the change and the audit entry describing it."""
    task = uow.session.get(Task, task_id)
    task.assignee = "clerk1"
    audit.record(uow, CLERK, "task_claimed", at, task_id=task.id, process_key=task.process_key)


def _claims(config) -> tuple[int, int]:
    """(claimed tasks, task_claimed entries) as the database holds them."""
    config.sessions.remove()
    with UnitOfWork(config.sessions) as uow:
        claimed = uow.session.scalar(select(func.count()).where(Task.assignee.is_not(None)))
        entries = uow.session.scalar(select(func.count()).where(AuditEvent.action == "task_claimed"))
        return claimed, entries


def test_the_audit_entry_is_rolled_back_with_the_change_it_describes(engine, config, clock):
    engine.deploy([("simple.bpmn", one_task_process())])
    task_id = engine.task_id(engine.start("simple", {}, by=CLERK), "do_it", CLERK)
    config.sessions.remove()
    with pytest.raises(RuntimeError), UnitOfWork(config.sessions) as uow:
        _claim_in(uow, task_id, clock.now())
        uow.flush()
        raise RuntimeError("the request fails after both were written")
    assert _claims(config) == (0, 0)
    engine(claim_task, CLERK, task_id)
    assert _claims(config) == (1, 1)
