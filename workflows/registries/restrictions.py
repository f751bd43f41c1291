"""Application restrictions (申请限制): who may not apply, until when, and who must use the normal procedure.

Two kinds, each for one process (by default the process of the case that recorded it):

- ``ban``: after a qualification is revoked for fraud (3 years) or an application is refused
  for false materials (1 year), the institution may not apply again until ``until`` inclusive.
- ``normal_procedure_only``: after a notification-commitment (告知承诺) application is withdrawn,
  the next application must use the normal procedure (一般程序); that application lifts it.

Diagrams record them with the service operations ``ban_applicant`` and
``require_normal_procedure``; a portal's withdrawal of a commitment application records the
second. They are checked when an application starts a case (a staff start or a portal
submission), against the institution the process property ``applicantCode`` gives and the
start variable ``procedure`` (``commitment`` or ``normal``). Cases the engine starts itself
(child cases) are not applications and are not checked.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select

from workflows.access import (
    RESTRICTION_LIFTERS,
    RESTRICTION_READERS,
    applicant_code,
    may_lift_restrictions,
    may_read_restrictions,
)
from workflows.clock import BUREAU_TZ
from workflows.deadlines.periods import Period, last_day
from workflows.errors import Conflict, FieldError, InvalidInput, NotFound, NotPermitted
from workflows.persistence import audit
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import RESTRICTION_KINDS as RESTRICTION_KINDS  # for the API's schemas
from workflows.persistence.models import ApplicationRestriction
from workflows.users import SYSTEM

COMMITMENT = "commitment"
NORMAL_PROCEDURE_NOTICE = (
    "告知承诺申请已撤回：申请人再次申请的，应当按一般程序提出。"
    " (A withdrawn notification-commitment application must be filed again under the normal procedure.)"
)


def bureau_today(config) -> date:
    return config.clock.now().astimezone(BUREAU_TZ).date()


def ban_end(decided_on: date, years: int) -> date:
    """The last day of a ban of ``years`` counted from the decision (Civil Code arts. 201-202:
    the day of the decision is not counted; the ban ends on the corresponding day, or on the
    last day of that month when it has none). A ban is not a time limit for an act, so a
    last day on a holiday is not moved (art. 203)."""
    return last_day(decided_on, Period(years=years))


def admit_application(config, uow, actor, definition, variables: dict, business_key, prefix: str) -> None:
    """Refuse an application that a restriction in force forbids; lift the normal-procedure
    rule that this normal-procedure application fulfils. ``prefix`` points into the request."""
    code = applicant_code(definition.properties, variables, definition.key)
    if code is None:
        return
    in_force = _in_force(uow, code, definition.key, bureau_today(config))
    ban = next((r for r in in_force if r.kind == "ban"), None)
    if ban is not None:
        raise Conflict(
            f"该机构在 {ban.until.isoformat()}（含）前不得再次申请：{ban.reason}"
            f" (This institution may not apply for '{definition.key}' until {ban.until.isoformat()} "
            "inclusive.)",
            banned_until=ban.until.isoformat(),
            credit_code=code,
            restriction_id=ban.id,
        )
    rules = [r for r in in_force if r.kind == "normal_procedure_only"]
    if rules and variables.get("procedure") == COMMITMENT:
        raise InvalidInput(
            NORMAL_PROCEDURE_NOTICE,
            [FieldError(f"{prefix}/procedure", "must be normal: a commitment application was withdrawn")],
            restriction_id=rules[0].id,
        )
    for rule in rules:
        rule.lifted_at, rule.lifted_by = config.clock.now(), actor.name
        rule.lift_reason = f"按一般程序重新申请 / applied again under the normal procedure: {business_key}"


def _in_force(uow, code: str, process_key: str, today: date) -> list[ApplicationRestriction]:
    return list(
        uow.session.scalars(
            select(ApplicationRestriction)
            .where(
                ApplicationRestriction.credit_code == code,
                ApplicationRestriction.process_key == process_key,
                ApplicationRestriction.lifted_at.is_(None),
                or_(ApplicationRestriction.until.is_(None), ApplicationRestriction.until >= today),
            )
            .order_by(ApplicationRestriction.until.desc().nulls_last(), ApplicationRestriction.id)
        )
    )


def restrict(
    uow, actor, now, case: dict, credit_code: str, kind: str, reason: str, until=None, process_key=None
):
    """Record a restriction caused by ``case`` (``instance_id``, ``process_key``, ``business_key``);
    it applies to ``process_key``, by default the case's own process."""
    row = ApplicationRestriction(
        credit_code=credit_code,
        kind=kind,
        process_key=process_key or case["process_key"],
        until=until,
        reason=reason,
        source_instance_id=case.get("instance_id"),
        source_business_key=case.get("business_key"),
        created_by=actor.name,
        created_at=now,
    )
    uow.session.add(row)
    uow.flush()
    event = audit.record(
        uow,
        actor,
        "applicant_restricted",
        now,
        process_key=row.process_key,
        restriction_id=row.id,
        kind=kind,
        credit_code=credit_code,
        until=until.isoformat() if until else None,
        reason=reason,
    )
    event.instance_id, event.business_key = row.source_instance_id, row.source_business_key
    return row


def restriction_operations(config, uow, case: dict) -> dict:
    def ban_applicant(data, credit_code, years, reason, process_key=None, **params):
        """Ban (禁止申请) the institution from applying for ``years`` from today."""
        _check_code("ban_applicant", credit_code)
        if not isinstance(years, int) or isinstance(years, bool) or years < 1:
            raise ValueError("ban_applicant: years must be a whole number, 1 or more")
        actor, until = case.get("actor", SYSTEM), ban_end(bureau_today(config), years)
        row = restrict(uow, actor, config.clock.now(), case, credit_code, "ban", reason, until, process_key)
        return view(row)

    def require_normal_procedure(data, credit_code, reason=None, process_key=None, **params):
        """The institution's next application must use the normal procedure (一般程序)."""
        _check_code("require_normal_procedure", credit_code)
        actor, reason = case.get("actor", SYSTEM), reason or NORMAL_PROCEDURE_NOTICE
        kind = "normal_procedure_only"
        row = restrict(uow, actor, config.clock.now(), case, credit_code, kind, reason, None, process_key)
        return view(row)

    return {"ban_applicant": ban_applicant, "require_normal_procedure": require_normal_procedure}


def _check_code(operation: str, credit_code) -> None:
    if not isinstance(credit_code, str) or not 0 < len(credit_code) <= 64:
        raise ValueError(
            f"{operation}: credit_code must be the institution's credit code, not {credit_code!r}"
        )


def view(row: ApplicationRestriction) -> dict:
    return {
        "restriction_id": row.id,
        "kind": row.kind,
        "credit_code": row.credit_code,
        "process_key": row.process_key,
        "banned_until": row.until.isoformat() if row.until else None,
        "reason": row.reason,
    }


def list_restrictions(config, actor, filters: dict, page: int, page_size: int) -> tuple[list, int]:
    """Restrictions, newest first; ``active`` keeps those still in force today."""
    if not may_read_restrictions(actor):
        groups = ", ".join(sorted(RESTRICTION_READERS))
        raise NotPermitted(f"application restrictions are for the groups: {groups}")
    stmt = select(ApplicationRestriction)
    for name in ("credit_code", "kind", "process_key"):
        if filters.get(name):
            stmt = stmt.where(getattr(ApplicationRestriction, name) == filters[name])
    if filters.get("active") is not None:
        today = bureau_today(config)
        in_force = ApplicationRestriction.lifted_at.is_(None) & or_(
            ApplicationRestriction.until.is_(None), ApplicationRestriction.until >= today
        )
        stmt = stmt.where(in_force if filters["active"] else ~in_force)
    with UnitOfWork(config.sessions) as uow:
        total = uow.session.scalar(select(func.count()).select_from(stmt.subquery()))
        rows = uow.session.scalars(
            stmt.order_by(ApplicationRestriction.id.desc()).offset((page - 1) * page_size).limit(page_size)
        )
        return list(rows), total


def lift_restriction(config, actor, restriction_id: int, reason: str) -> ApplicationRestriction:
    """End a restriction early (e.g. the revocation was overturned on reconsideration); audited."""
    if not may_lift_restrictions(actor):
        groups = ", ".join(sorted(RESTRICTION_LIFTERS))
        raise NotPermitted(f"lifting a restriction needs one of the groups: {groups}")
    with UnitOfWork(config.sessions) as uow:
        row = uow.session.get(ApplicationRestriction, restriction_id, with_for_update=True)
        if row is None:
            raise NotFound(f"restriction {restriction_id} does not exist")
        if row.lifted_at is not None:
            raise Conflict(f"restriction {restriction_id} was already lifted on {row.lifted_at.isoformat()}")
        row.lifted_at, row.lifted_by, row.lift_reason = config.clock.now(), actor.name, reason
        audit.record(
            uow,
            actor,
            "restriction_lifted",
            row.lifted_at,
            process_key=row.process_key,
            restriction_id=row.id,
            credit_code=row.credit_code,
            reason=reason,
        )
        uow.commit()
        return row
