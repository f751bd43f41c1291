"""Comments (意见) on a case at its current step, kept in the case history with that step."""

from __future__ import annotations

from sqlalchemy import exists, or_, select

from workflows.access import is_staff, operation_allowed
from workflows.errors import Conflict, FieldError, InvalidInput, NotPermitted
from workflows.instances import readable_instance
from workflows.persistence import audit
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import OPEN_TASK_STATES, AuditEvent, Task, TaskCandidateGroup

COMMENTED = "comment_added"
MAX_LENGTH = 2000


def add_comment(config, actor, instance_id: str, text: str) -> AuditEvent:
    """Comment at the step the actor works on in the case (else at the case's current steps)."""
    text = (text or "").strip() if isinstance(text, str) else ""
    if not text or len(text) > MAX_LENGTH:
        raise InvalidInput(
            f"a comment is 1 to {MAX_LENGTH} characters", [FieldError("/text", "1 to 2000 characters")]
        )
    with UnitOfWork(config.sessions) as uow:
        if not is_staff(actor):
            raise NotPermitted("comments are the bureau staff's")
        row = readable_instance(uow, actor, instance_id)
        if row.status not in ("running", "suspended"):
            raise Conflict(f"the case is {row.status}; comments are made while it runs")
        steps = _current_steps(uow, actor, row.id)
        if steps and not any(operation_allowed(t, "comment") for t in steps):
            raise NotPermitted(f"the step '{steps[0].name}' does not allow comments")
        steps = [t for t in steps if operation_allowed(t, "comment")]
        event = audit.record(
            uow,
            actor,
            COMMENTED,
            config.clock.now(),
            row,
            steps[0].id if len(steps) == 1 else None,
            text=text,
            element_id=steps[0].bpmn_id if len(steps) == 1 else None,
            steps=[{"task_id": t.id, "element_id": t.bpmn_id, "name": t.name} for t in steps],
        )
        uow.commit()
        return event


def case_comments(config, actor, instance_id: str) -> list[AuditEvent]:
    """The case's comments, oldest first (staff only: an applicant's account sees none)."""
    with UnitOfWork(config.sessions) as uow:
        row = readable_instance(uow, actor, instance_id)
        if not is_staff(actor):
            return []
        return list(
            uow.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.instance_id == row.id, AuditEvent.action == COMMENTED)
                .order_by(AuditEvent.id)
            )
        )


def _current_steps(uow, actor, instance_id: str) -> list[Task]:
    """The actor's own open tasks in the case, else all of the case's open tasks."""
    open_tasks = select(Task).where(Task.instance_id == instance_id, Task.state.in_(OPEN_TASK_STATES))
    mine = uow.session.scalars(
        open_tasks.where(
            or_(
                Task.assignee == actor.name,
                Task.assignee.is_(None)
                & exists().where(
                    TaskCandidateGroup.task_id == Task.id, TaskCandidateGroup.group_name.in_(actor.groups)
                ),
            )
        ).order_by(Task.created_at, Task.id)
    ).all()
    return list(mine) or list(uow.session.scalars(open_tasks.order_by(Task.created_at, Task.id)))
