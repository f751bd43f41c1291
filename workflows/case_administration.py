"""The administrator's operations on a case: cancel, suspend, resume (each with a reason, kept
in the audit trail), and retry after an error. Moving a token and editing variables are in
``case_repair``, migrating to a newer version in ``migration``."""

from __future__ import annotations

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select, update

from workflows.access import require_admin
from workflows.engine import runtime, spiff_compat
from workflows.errors import Conflict, FieldError, InvalidInput, NotFound
from workflows.instances import InstanceView, instance_view, is_uuid
from workflows.persistence import audit
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import CLOSED_STATUSES, OPEN_TASK_STATES, Job, Task


def _administer(actor, instance_id: str, reason: str | None = "") -> None:
    require_admin(actor, "may manage instances")
    if reason is not None and not reason.strip():
        raise InvalidInput("a reason is required", [FieldError("/reason", "give the reason for the record")])
    if not is_uuid(instance_id):
        raise NotFound(f"process instance {instance_id} does not exist")


def cancel_instance(config, actor, instance_id: str, reason: str) -> InstanceView:
    _administer(actor, instance_id, reason)
    with UnitOfWork(config.sessions) as uow:
        row = runtime.lock_instance(uow, instance_id)
        if row.status in CLOSED_STATUSES:
            raise Conflict(f"the instance is already {row.status}")
        workflow = runtime.open_workflow(config, uow, row)
        workflow.cancel()
        row.status, row.ended_at = "cancelled", config.clock.now()
        audit.record(uow, actor, "instance_cancelled", row.ended_at, row, reason=reason)
        runtime.save(config, uow, row, workflow, actor)
        uow.commit()
        return instance_view(uow, row, config.clock.now())


def suspend_instance(config, actor, instance_id: str, reason: str) -> InstanceView:
    return _set_suspended(config, actor, instance_id, True, reason)


def resume_instance(config, actor, instance_id: str, reason: str) -> InstanceView:
    return _set_suspended(config, actor, instance_id, False, reason)


def _set_suspended(config, actor, instance_id: str, suspend: bool, reason: str) -> InstanceView:
    _administer(actor, instance_id, reason)
    with UnitOfWork(config.sessions) as uow:
        row = runtime.lock_instance(uow, instance_id)
        expected, new = ("running", "suspended") if suspend else ("suspended", "running")
        if row.status != expected:
            raise Conflict(f"the instance is {row.status}, not {expected}")
        row.status, row.updated_at = new, config.clock.now()
        for task in uow.session.scalars(
            select(Task).where(Task.instance_id == row.id, Task.state.in_(OPEN_TASK_STATES))
        ):
            task.state = "suspended" if suspend else "ready"
        uow.session.execute(
            update(Job)
            .where(Job.instance_id == row.id, Job.state == ("pending" if suspend else "suspended"))
            .values(state="suspended" if suspend else "pending", updated_at=row.updated_at)
        )
        action = "instance_suspended" if suspend else "instance_resumed"
        audit.record(uow, actor, action, row.updated_at, row, reason=reason)
        uow.commit()
        return instance_view(uow, row, config.clock.now())


def retry_instance(config, actor, instance_id: str, variables: dict | None = None) -> InstanceView:
    """Run the failed element again, optionally after correcting variables (an incident fix)."""
    _administer(actor, instance_id, None)
    with UnitOfWork(config.sessions) as uow:
        row = runtime.lock_instance(uow, instance_id)
        if row.status != "error":
            raise Conflict(f"the instance is {row.status}; only instances in error can be retried")
        workflow = runtime.open_workflow(config, uow, row)
        failed = workflow.get_tasks(state=TaskState.ERROR)
        if not failed:
            raise Conflict("the instance has no failed task to retry")
        for task in failed:
            task.data.update(variables or {})
            spiff_compat.force_ready(task)
        previous_error, row.error, row.status = row.error, None, "running"
        audit.record(
            uow,
            actor,
            "instance_retried",
            config.clock.now(),
            row,
            previous_error=previous_error,
            variables=variables or {},
        )
        runtime.run(config, uow, row, workflow, actor)
        runtime.save(config, uow, row, workflow, actor)
        uow.commit()
        return instance_view(uow, row, config.clock.now())
