"""What a portal sees of a case: status, current steps, routing history (流转记录), result."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from workflows.access import is_internal
from workflows.persistence.models import (
    CLOSED_STATUSES,
    OPEN_TASK_STATES,
    AuditEvent,
    PortalCase,
    ProcessInstance,
    ServiceItem,
    Task,
)

_FINAL_OUTCOMES = {"not_accepted", "refused", "granted", "revoked"}


@dataclass
class StepView:
    name: str
    element_id: str
    groups: list[str]
    state: str
    started_at: datetime
    completed_at: datetime | None
    due_at: datetime | None


@dataclass
class CaseView:
    case_no: str
    item_code: str
    item_version: str
    status: str
    completed: bool
    received_at: datetime
    accepted_at: datetime | None
    promised_limit: str | None
    statutory_due_at: datetime | None
    clock_paused: bool
    current_steps: list[StepView]
    history: list[StepView]
    result: dict | None
    rating: dict | None
    withdrawn_at: datetime | None
    notice: str | None = field(default=None)


def case_view(uow, case: PortalCase, now: datetime) -> CaseView:
    instance = uow.session.get(ProcessInstance, case.instance_id)
    history = _steps(uow, instance.id)
    current = [s for s in history if s.state in OPEN_TASK_STATES]
    rating = None
    if case.rating_level is not None:
        rating = {"level": case.rating_level, "comment": case.rating_comment, "rated_at": case.rated_at}
    return CaseView(
        case.case_no,
        case.item_code,
        case.item_version,
        case_status(uow, case, instance, current),
        instance.status in CLOSED_STATUSES,
        case.received_at,
        case.accepted_at,
        instance.statutory_limit,
        instance.statutory_due_at,
        any(not p.get("to") for p in instance.clock_pauses or []),
        current,
        history,
        _result(case, instance),
        rating,
        case.withdrawn_at,
    )


def _steps(uow, instance_id: str) -> list[StepView]:
    """The case's human tasks in the order they were created (the audit trail breaks ties)."""
    created = (
        select(AuditEvent.task_id, func.min(AuditEvent.id).label("seq"))
        .where(AuditEvent.instance_id == instance_id, AuditEvent.action == "task_created")
        .group_by(AuditEvent.task_id)
        .subquery()
    )
    tasks = uow.session.scalars(
        select(Task)
        .outerjoin(created, created.c.task_id == Task.id)
        .where(Task.instance_id == instance_id)
        .order_by(Task.created_at, created.c.seq, Task.id)
    ).all()
    return [
        StepView(t.name, t.bpmn_id, t.candidate_groups, t.state, t.created_at, t.completed_at, t.due_at)
        for t in tasks
        if not is_internal(t)
    ]


def case_status(uow, case: PortalCase, instance: ProcessInstance, current: list[StepView]) -> str:
    """received | supplement_required | in_review | rectification_required | granted | refused |
    not_accepted | revoked | withdrawn | cancelled."""
    outcome = (instance.variables or {}).get("outcome")
    if instance.status == "cancelled":
        return "withdrawn" if case.withdrawn_at else "cancelled"
    if outcome in _FINAL_OUTCOMES:
        return outcome
    if case.decision:
        return "granted" if case.decision == "grant" else "refused"
    item = uow.session.get(ServiceItem, case.item_code)
    steps = item.steps if item is not None else {}
    open_elements = {s.element_id for s in current}
    if steps.get("supplements") in open_elements:
        return "supplement_required"
    if steps.get("rectification") in open_elements:
        return "rectification_required"
    return "in_review" if case.accepted_at else "received"


def _result(case: PortalCase, instance: ProcessInstance) -> dict | None:
    variables = instance.variables or {}
    outcome = variables.get("outcome")
    if not case.decision and outcome not in _FINAL_OUTCOMES:
        return None
    return {
        "outcome": outcome,
        "decision": case.decision,
        "reason": case.decision_reason or (variables.get("reason") if outcome == "not_accepted" else None),
        "decision_no": case.decision_no,
        "decided_at": case.decided_at,
        "certificate_no": case.certificate_no,
        "certificate_valid_until": variables.get("certificate_valid_until") if case.certificate_no else None,
    }
