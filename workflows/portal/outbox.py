"""The portal outbox: what a portal must learn, derived from audit events of its cases.

The audit subscriber (installed by ``workflows.wiring``) runs inside the change's unit of
work, so an outbox row exists exactly when the change it reports was committed. Each row gets
the case's next sequence number at once (the case row is locked, so a case's numbers have no
gaps); just before the unit of work commits (a hook it registers there) the rows are numbered
per client (the polling cursor, in commit order) and the case's
delivery job is queued. Results that the engine only settles at the end of a step (the
certificate's validity, the outcome of a completed case, the statutory due date of an
acceptance) are read then, from the saved instance.
"""

from __future__ import annotations

from uuid import uuid4

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from workflows.access import is_internal
from workflows.clock import BUREAU_TZ, format_moment
from workflows.engine.services import next_sequence_value
from workflows.persistence.models import (
    Job,
    OutboxEvent,
    PortalCase,
    PortalClient,
    ProcessInstance,
    ServiceItem,
    Task,
)

DELIVERY_JOB = "portal_delivery"
_PENDING = "portal_outbox"
_CLOCK_EVENTS = {"clock_paused": "deadline_paused", "clock_resumed": "deadline_resumed"}


def lock_case(session, case_no: str) -> PortalCase | None:
    """The case row, locked: the lock orders a case's sequence numbers and delivery decisions."""
    return session.scalars(
        select(PortalCase)
        .where(PortalCase.case_no == case_no)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()


def on_audit_event(uow, event) -> None:
    """Write the outbox rows an audit event of a portal case means."""
    case = _portal_case(uow.session, event)
    if case is None:
        return
    pending = _pending(uow, event.at)
    pending["cases"].add(case.id)
    for event_type, payload in _derive(uow.session, case, event):
        append_event(uow, case, event_type, event.at, payload)


def _portal_case(session, event) -> PortalCase | None:
    if event.instance_id is None or event.business_key is None:
        return None
    case = lock_case(session, event.business_key)
    if case is None:
        return None
    if case.instance_id is None and event.action == "instance_started":
        case.instance_id = event.instance_id
    return case if case.instance_id == event.instance_id else None


def _pending(uow, at=None) -> dict:
    """What this unit of work reported so far; the first report registers ``_before_commit``."""
    pending = uow.info.setdefault(_PENDING, {"cases": set(), "events": [], "at": at})
    uow.before_commit(_PENDING, _before_commit)
    if at is not None and (pending["at"] is None or at > pending["at"]):
        pending["at"] = at
    return pending


def append_event(uow, case: PortalCase, event_type: str, at, payload: dict) -> OutboxEvent:
    """Add the case's next event; the caller holds the case row's lock."""
    session = uow.session
    case.last_event_seq += 1
    client = session.get(PortalClient, case.client_id)
    row = OutboxEvent(
        event_id=str(uuid4()),
        client_id=case.client_id,
        case_no=case.case_no,
        case_seq=case.last_event_seq,
        event_type=event_type,
        occurred_at=at,
        payload=payload,
        created_at=at,
        state="pending" if client.webhook_url else "poll_only",
    )
    session.add(row)
    _pending(uow, at)["events"].append(row)
    return row


def _derive(session, case: PortalCase, event) -> list[tuple[str, dict]]:
    details = event.details or {}
    if event.action == "instance_started":
        return [("received", {"item_code": case.item_code, "received_at": format_moment(case.received_at)})]
    if event.action == "task_created":
        return _step_changed(session, event.task_id)
    if event.action == "task_completed":
        return _task_completed(session, case, event, details.get("element_id"), details.get("data") or {})
    if event.action == "task_returned":  # the steps gone back to are open again
        return [
            change
            for task_id in details.get("to_task_ids") or []
            for change in _step_changed(session, task_id)
        ]
    if event.action == "task_withdrawn":
        return _step_changed(session, event.task_id)
    if event.action in _CLOCK_EVENTS:
        due = {"statutory_due_at": details.get("statutory_due_at"), "element_id": details.get("element_id")}
        return [(_CLOCK_EVENTS[event.action], due)]
    if event.action == "instance_cancelled":
        return [_cancelled(case, event.at, details)]
    if event.action == "service_rated":
        return [("rated", {"level": details.get("level"), "comment": details.get("comment")})]
    return []


def _step_changed(session, task_id: str) -> list[tuple[str, dict]]:
    task = session.scalar(select(Task).where(Task.id == task_id))
    if task is None or is_internal(task):
        return []
    due_at = format_moment(task.due_at) if task.due_at else None
    step = {"step": task.name, "element_id": task.bpmn_id, "groups": task.candidate_groups, "due_at": due_at}
    return [("step_changed", step)]


def _task_completed(session, case, event, element_id, data: dict) -> list[tuple[str, dict]]:
    item = session.get(ServiceItem, case.item_code)
    steps = item.steps if item is not None else {}
    if element_id == steps.get("acceptance"):
        return _acceptance(session, case, event.at, data)
    if element_id == steps.get("decision") and data.get("decision"):
        case.decision, case.decision_reason, case.decided_at = data["decision"], data.get("reason"), event.at
        case.decision_no = _decision_no(session, item.decision_prefix, event.at)
        decided = {"decision": case.decision, "reason": case.decision_reason, "decision_no": case.decision_no}
        return [("decided", {**decided, "decided_at": format_moment(event.at)})]
    return []


def _acceptance(session, case, at, data: dict) -> list[tuple[str, dict]]:
    decision = data.get("decision")
    if decision == "supplement":
        return [("supplements_requested", {"missing_items": data.get("missing_items", [])})]
    if decision == "refuse":
        return [("not_accepted", {"reason": data.get("reason")})]
    if decision != "accept":
        return []
    case.accepted_at = at
    instance = session.get(ProcessInstance, case.instance_id)
    promised = {"promised_limit": instance.statutory_limit, "statutory_due_at": None}
    return [("accepted", {"accepted_at": format_moment(at), **promised})]


def _decision_no(session, prefix: str, at) -> str:
    """Decision document number (决定书文号): prefix〔year〕sequence号."""
    year = at.astimezone(BUREAU_TZ).year
    return f"{prefix}〔{year}〕{next_sequence_value(session, f'decision-no:{prefix}:{year}')}号"


def _cancelled(case, at, details: dict) -> tuple[str, dict]:
    if details.get("reason") != "withdrawn":
        return "cancelled", {"reason": details.get("reason")}
    case.withdrawn_at = at
    keys = ("procedure", "must_use_normal_procedure", "notice", "note")
    return "withdrawn", {key: details.get(key) for key in keys}


def _before_commit(uow) -> None:
    pending, session = uow.info.get(_PENDING), uow.session
    if not pending:  # concluding re-registers the hook; the first run has numbered everything
        return
    for case_id in sorted(pending["cases"]):
        _conclude(uow, session.get(PortalCase, case_id), pending["at"], pending["events"])
    _number_per_client(session, pending["events"])
    for case_no in sorted({e.case_no for e in pending["events"] if e.state == "pending"}):
        ensure_delivery_job(session, case_no, pending["at"])
    uow.info.pop(_PENDING, None)


def _conclude(uow, case: PortalCase, at, events: list[OutboxEvent]) -> None:
    """Report the certificate and the completion once the saved instance shows them, and
    the statutory due date of an acceptance (the clock starts as the acceptance is saved)."""
    session = uow.session
    instance = session.get(ProcessInstance, case.instance_id) if case.instance_id else None
    if instance is None:
        return
    due = format_moment(instance.statutory_due_at) if instance.statutory_due_at else None
    for row in events:
        if row.case_no == case.case_no and row.event_type == "accepted":
            row.payload = {**row.payload, "statutory_due_at": due}
    variables = instance.variables or {}
    certificate, valid_until = variables.get("certificate_no"), variables.get("certificate_valid_until")
    if certificate and valid_until and variables.get("outcome") == "granted" and not case.certificate_no:
        case.certificate_no = certificate
        issued = {"issued_on": variables.get("certificate_issued_on"), "valid_until": valid_until}
        append_event(uow, case, "certificate_issued", at, {"certificate_no": certificate, **issued})
    if instance.status == "completed" and case.completed_at is None:
        case.completed_at = instance.ended_at
        append_event(uow, case, "completed", at, {"outcome": variables.get("outcome")})


def _number_per_client(session, events: list[OutboxEvent]) -> None:
    """Client sequence numbers, taken at the end so the counter's row lock is held briefly."""
    for client_id in sorted({e.client_id for e in events}):
        for row in (e for e in events if e.client_id == client_id):
            row.client_seq = next_sequence_value(session, f"portal-events:{client_id}")


def ensure_delivery_job(session, case_no: str, due_at) -> None:
    """Queue the case's delivery job unless it is queued already (then it keeps its due time)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(Job)
        .values(
            kind=DELIVERY_JOB,
            dedup_key=f"{DELIVERY_JOB}:{case_no}",
            instance_id=None,
            payload={"case_no": case_no},
            due_at=due_at,
            state="pending",
            attempts=0,
            created_at=due_at,
            updated_at=due_at,
        )
        .on_conflict_do_nothing(index_elements=["dedup_key"])
    )
