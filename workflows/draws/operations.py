"""Service-task operations for draws and registries, run in the case's transaction on behalf of
the actor whose request or job runs the engine step (the system for the job worker)."""

from __future__ import annotations

import inspect

from workflows.draws import assignments, review_teams
from workflows.draws import drawing as random_draws
from workflows.registries import records as registries
from workflows.users import SYSTEM


def registry_operations(config, uow, case: dict | None = None) -> dict:
    """Draws and registry updates, inside the case's transaction, for ``case["actor"]``.

    An operation taking a ``business_key`` gets the case's own when the diagram gives none.
    """
    case = case if case is not None else {}
    return {operation.__name__: _bind(operation, config, uow, case) for operation in _OPERATIONS}


def _bind(operation, config, uow, case: dict):
    takes_key, takes_actor = operation.__name__ in _TAKE_BUSINESS_KEY, operation.__name__ in _TAKE_ACTOR

    def call(data, **params):
        if takes_key and not params.get("business_key"):
            params["business_key"] = case.get("business_key") or case.get("instance_id")
        if takes_actor:
            params["actor"] = case.get("actor", SYSTEM)
        return operation(config, uow, data, **params)

    call.__name__ = operation.__name__
    return call


def review_team_status(config, uow, data, business_key, expire_pending=False) -> dict:
    """The case's review team with each seat's status (pending seats expire when asked)."""
    return review_teams.review_team_status(uow, config.clock.now(), business_key, bool(expire_pending))


def draw_review_team(
    config,
    uow,
    data,
    fields,
    credit_code,
    business_key=None,
    exclude=None,
    seat=None,
    previous_draw_id=None,
    actor=SYSTEM,
) -> dict:
    """Review team (评审组) covering ``fields``; with ``previous_draw_id``, redraw declined seats."""
    return random_draws.draw_review_team(
        uow, config, fields, credit_code, business_key, exclude, seat, previous_draw_id, actor=actor
    )


def draw_inspection_targets(
    config,
    uow,
    data,
    business_key=None,
    check_item_code=None,
    institution_types=None,
    districts=None,
    proportion=None,
    count=None,
    weights=None,
    exclude=None,
    previous_draw_id=None,
    actor=SYSTEM,
) -> dict:
    """Inspection targets (检查对象) by proportion or count, optionally weighted by credit class;
    a redraw names the draw it replaces."""
    return random_draws.draw_inspection_targets(
        uow,
        config,
        business_key,
        check_item_code,
        institution_types,
        districts,
        proportion,
        count,
        weights,
        exclude,
        previous_draw_id=previous_draw_id,
        actor=actor,
    )


def draw_inspectors(
    config,
    uow,
    data,
    business_key=None,
    targets=None,
    targets_draw_id=None,
    check_item_code=None,
    per_target=None,
    department=None,
    district=None,
    fields=None,
    match_target_district=False,
    exclude=None,
    previous_draw_id=None,
    actor=SYSTEM,
) -> dict:
    """Inspectors (执法检查人员) for each target, at least two, with recusal (回避); a redraw
    names the draw it replaces."""
    return random_draws.draw_inspectors(
        uow,
        config,
        business_key,
        targets,
        targets_draw_id,
        check_item_code,
        per_target,
        department,
        district,
        fields,
        match_target_district,
        exclude,
        previous_draw_id=previous_draw_id,
        actor=actor,
    )


def set_assignment_status(config, uow, data, draw_id, person_id, status, actor=SYSTEM) -> dict:
    """A drawn person confirmed or declined, or the seat expired or was released."""
    seat = assignments.set_assignment_status(uow, config, actor, draw_id, person_id, status)
    return {"draw_id": seat.draw_id, "person_id": seat.person_id, "status": seat.status}


def set_certificate_status(
    config, uow, data, credit_code, status, certificate_no=None, name=None, actor=SYSTEM
) -> dict:
    """Keep the inspection target pool in step with a grant, suspension or revocation."""
    name = name or (data.get("applicant") or {}).get("name")
    row = registries.set_certificate_status(
        uow, credit_code, status, certificate_no, at=config.clock.now(), actor=actor, name=name
    )
    keys = ("credit_code", "certificate_status", "certificate_no")
    return {"institution_id": row.id, **{key: getattr(row, key) for key in keys}}


_OPERATIONS = (
    draw_review_team,
    draw_inspection_targets,
    draw_inspectors,
    set_assignment_status,
    set_certificate_status,
    review_team_status,
)
# Worked out once at import: building the operations happens on every engine step.
_TAKE_BUSINESS_KEY = {op.__name__ for op in _OPERATIONS if "business_key" in inspect.signature(op).parameters}
_TAKE_ACTOR = {op.__name__ for op in _OPERATIONS if "actor" in inspect.signature(op).parameters}
