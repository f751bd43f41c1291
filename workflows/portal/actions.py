"""What an applicant does through a portal: supplements (补正), rectification (整改),
withdrawal (撤回) and the service rating (好差评)."""

from __future__ import annotations

from sqlalchemy import select

from workflows.engine import runtime
from workflows.errors import Conflict, FieldError, InvalidInput, NotFound
from workflows.persistence import audit
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import CLOSED_STATUSES, PortalCase, ProcessInstance, ServiceItem, Task
from workflows.portal.clients import client_of
from workflows.portal.outbox import lock_case
from workflows.portal.views import CaseView, case_view
from workflows.registries.restrictions import NORMAL_PROCEDURE_NOTICE, restrict
from workflows.tasks import complete_task_in

RATING_LEVELS = {5: "very_satisfied", 4: "satisfied", 3: "neutral", 2: "dissatisfied", 1: "very_dissatisfied"}
_ACTIONS = {
    "supplements": "no supplements (补正) are requested",
    "rectification": "no rectification (整改) is due",
}


def _own_case(uow, actor, case_no: str) -> PortalCase:
    client = client_of(uow, actor)
    case = uow.session.scalar(
        select(PortalCase).where(PortalCase.case_no == case_no, PortalCase.client_id == client.id)
    )
    if case is None:
        raise NotFound(f"case {case_no} was not submitted by this portal")
    return case


def submit_applicant_step(config, actor, case_no: str, role: str, data: dict) -> CaseView:
    """Complete the case's open applicant task of ``role`` (supplements, rectification) with
    ``data``, in one transaction."""
    with UnitOfWork(config.sessions) as uow:
        case = _own_case(uow, actor, case_no)
        item = uow.session.get(ServiceItem, case.item_code)
        element = (item.steps if item is not None else {}).get(role)
        task_id = uow.session.scalar(
            select(Task.id).where(
                Task.instance_id == case.instance_id, Task.bpmn_id == element, Task.state == "ready"
            )
        )
        if element is None or task_id is None:
            raise Conflict(f"{_ACTIONS[role]} for case {case_no}")
        try:
            complete_task_in(config, uow, actor, task_id, data)
        except InvalidInput as exc:
            errors = [FieldError(e.pointer.removeprefix("/data"), e.message) for e in exc.errors]
            fields = ", ".join(e.pointer for e in errors)
            raise InvalidInput(f"The {role} are invalid: {fields}", errors) from exc
        uow.commit()
        return case_view(uow, case, config.clock.now())


def withdraw_application(config, actor, case_no: str, note: str | None = None) -> CaseView:
    """Withdraw (撤回) an application before its decision; the case ends with reason ``withdrawn``.

    A withdrawn notification-commitment (告知承诺) application must be filed again under
    the normal procedure: the event and the answer say so, and a ``normal_procedure_only``
    restriction refuses the institution's next commitment application.
    """
    with UnitOfWork(config.sessions) as uow:
        instance_id = _own_case(uow, actor, case_no).instance_id
        row = runtime.lock_instance(uow, instance_id)
        case = lock_case(uow.session, case_no)
        if row.status in CLOSED_STATUSES:
            raise Conflict(f"the case is already {row.status}")
        if case.decided_at is not None:
            raise Conflict("the decision has been made; the application can no longer be withdrawn")
        commitment = _cancel(config, uow, actor, row, note)
        uow.commit()
        view = case_view(uow, case, config.clock.now())
        view.notice = NORMAL_PROCEDURE_NOTICE if commitment else None
        return view


def _cancel(config, uow, actor, row: ProcessInstance, note: str | None) -> bool:
    """End the withdrawn case; whether it was a commitment application (告知承诺), whose
    institution must now use the normal procedure (a restriction says so)."""
    procedure = (row.variables or {}).get("procedure")
    commitment = procedure == "commitment"
    workflow = runtime.open_workflow(config, uow, row)
    workflow.cancel()
    row.status, row.ended_at = "cancelled", config.clock.now()
    audit.record(
        uow,
        actor,
        "instance_cancelled",
        row.ended_at,
        row,
        reason="withdrawn",
        note=note,
        procedure=procedure,
        must_use_normal_procedure=commitment,
        notice=NORMAL_PROCEDURE_NOTICE if commitment else None,
    )
    runtime.save(config, uow, row, workflow, actor)
    if commitment and row.applicant_code:
        about = {"instance_id": row.id, "process_key": row.process_key, "business_key": row.business_key}
        restrict(
            uow,
            actor,
            row.ended_at,
            about,
            row.applicant_code,
            "normal_procedure_only",
            NORMAL_PROCEDURE_NOTICE,
        )
    return commitment


def rate_service(config, actor, case_no: str, level: int, comment: str | None) -> CaseView:
    """Rate the service (好差评) once, after the case has ended: 5 very satisfied .. 1 very
    dissatisfied; a rating below 3 needs a comment."""
    if level not in RATING_LEVELS:
        raise InvalidInput("the rating is invalid", [FieldError("/level", "must be 1 to 5")])
    if level < 3 and not (comment or "").strip():
        raise InvalidInput("a rating below 3 needs a comment", [FieldError("/comment", "required below 3")])
    with UnitOfWork(config.sessions) as uow:
        _own_case(uow, actor, case_no)
        case = lock_case(uow.session, case_no)
        instance = uow.session.get(ProcessInstance, case.instance_id)
        if instance.status not in CLOSED_STATUSES:
            raise Conflict("the case is not completed yet; rate it once it has ended")
        if case.rating_level is not None:
            raise Conflict("this case has already been rated")
        now = config.clock.now()
        case.rating_level, case.rating_comment, case.rated_at = level, comment, now
        audit.record(
            uow,
            actor,
            "service_rated",
            now,
            instance,
            level=level,
            rating=RATING_LEVELS[level],
            comment=comment,
        )
        uow.commit()
        return case_view(uow, case, now)
