"""Use cases of random draws: review teams (评审组), inspection targets (检查对象), inspectors.

A draw reads the registries, snapshots every candidate with the attributes it
uses, records each exclusion with its reason, runs the pure algorithm of
``workflows.draws.algorithms`` with a fresh seed and stores all of it as a ``DrawRecord``.
The draw functions run inside the caller's unit of work and never commit, so a
BPMN service task and its draw succeed or fail together. A draw that finds no
valid result is recorded with ``ok`` false and the reason; it does not raise.
"""

from __future__ import annotations

from sqlalchemy import select

from workflows.draws import eligibility
from workflows.draws.algorithms import ALGORITHM_VERSION, new_seed, run_draw
from workflows.draws.assignments import add_assignments, kept_team
from workflows.errors import FieldError, InvalidInput
from workflows.persistence import audit
from workflows.persistence.models import CheckItem, DrawRecord, Institution
from workflows.persistence.models.registries import CREDIT_CLASSES
from workflows.users import SYSTEM


def draw_review_team(
    uow,
    config,
    fields: list[str],
    credit_code: str,
    business_key: str,
    exclude: list[int] | None = None,
    seat: str | None = None,
    previous_draw_id: int | None = None,
    seed: int | None = None,
    actor=SYSTEM,
) -> dict:
    """Draw a review team whose fields cover ``fields``, recusing conflicts with ``credit_code``.

    With ``previous_draw_id`` only the seats of the people in ``exclude`` (they
    declined) are drawn again; the rest of that team is kept.
    """
    fields = _checked_fields(fields, seat)
    exclude, now = list(exclude or []), config.clock.now()
    kept = kept_team(uow, previous_draw_id, business_key, exclude, now) if previous_draw_id else []
    if kept and seat is None:
        seat = "member" if any(m["role"] == "leader" for m in kept) else "leader"
    pool = eligibility.review_candidates(
        uow, config, fields, credit_code, business_key, exclude, [m["person_id"] for m in kept]
    )
    parameters = {
        "fields": fields,
        "credit_code": credit_code,
        "kept": kept,
        "seat": seat,
        "exclude": exclude,
        **_policy(config),
    }
    record = _draw(uow, actor, "review_team", business_key, pool, parameters, seed, now, previous_draw_id)
    kept_ids = {m["person_id"] for m in kept}
    drawn = [m for m in record.result["team"] if m["person_id"] not in kept_ids]
    add_assignments(uow, record, drawn, credit_code)
    return _outcome(record)


def _checked_fields(fields, seat) -> list[str]:
    """The fields the team must cover, each once, after checking them and the seat asked for."""
    fields = list(dict.fromkeys(fields or []))
    if not fields or not all(isinstance(f, str) and f for f in fields):
        raise InvalidInput("a review team needs the application's fields", [FieldError("/fields", "empty")])
    if seat not in (None, "leader", "member"):
        raise InvalidInput("seat is leader or member", [FieldError("/seat", "must be leader or member")])
    return fields


def _policy(config) -> dict:
    return {
        "conflict_cooling_off_years": config.conflict_cooling_off_years,
        "workload_limit": config.workload_limit,
        "workload_period_days": config.workload_period_days,
    }


def _draw(uow, actor, kind, business_key, pool, parameters, seed, now, replaces=None) -> DrawRecord:
    """Run the draw on ``pool`` (candidates, exclusions) and record it, with the draw it replaces."""
    candidates, exclusions = pool
    seed = new_seed() if seed is None else seed
    result = run_draw(kind, candidates, exclusions, parameters, seed)
    record = DrawRecord(
        kind=kind,
        business_key=business_key,
        seed=str(seed),
        drawn_by=actor.name,
        drawn_at=now,
        parameters=parameters,
        candidates=candidates,
        exclusions=exclusions,
        result=result,
        ok=result["ok"],
        algorithm_version=ALGORITHM_VERSION,
        previous_draw_id=replaces,
    )
    uow.session.add(record)
    uow.flush()
    event = audit.record(
        uow,
        actor,
        "draw_made",
        now,
        draw_id=record.id,
        kind=kind,
        seed=record.seed,
        ok=record.ok,
        excluded=len(exclusions),
        candidates=len(candidates),
    )
    event.business_key = business_key
    return record


def _outcome(record: DrawRecord) -> dict:
    """What the service task gets back: the draw's id and seed with its result."""
    return {"draw_id": record.id, "seed": record.seed, **record.result}


def draw_inspection_targets(
    uow,
    config,
    business_key: str,
    check_item_code: str | None = None,
    institution_types=None,
    districts=None,
    proportion: float | None = None,
    count: int | None = None,
    weights: dict | None = None,
    exclude=None,
    seed: int | None = None,
    actor=SYSTEM,
    previous_draw_id: int | None = None,
) -> dict:
    """Draw inspection targets by proportion (rounded up) or count, optionally weighted by credit class.

    The check item, when given, supplies the target type and the proportion. A redraw names
    the targets draw it replaces in ``previous_draw_id``.
    """
    replaced = _replaced_draw(uow, previous_draw_id, "targets", business_key)
    parameters = _target_sample(
        uow, check_item_code, institution_types, districts, proportion, count, weights, exclude
    )
    pool = eligibility.target_candidates(
        uow, parameters["institution_types"], parameters["districts"], parameters["exclude"]
    )
    now = config.clock.now()
    return _outcome(_draw(uow, actor, "targets", business_key, pool, parameters, seed, now, replaced))


def _target_sample(
    uow, check_item_code, institution_types, districts, proportion, count, weights, exclude
) -> dict:
    """What a targets draw samples; the check item, when given, supplies the target type and
    the proportion unless they are given."""
    item = _check_item(uow, check_item_code) if check_item_code else None
    if count is None and proportion is None:
        proportion = item.proportion if item else None
    _check_sample(count, proportion, weights)
    return {
        "check_item_code": check_item_code,
        "institution_types": list(institution_types or ([item.target_type] if item else [])),
        "districts": list(districts or []),
        "proportion": proportion,
        "count": count,
        "weights": weights,
        "exclude": list(exclude or []),
    }


def _check_item(uow, code: str) -> CheckItem:
    item = uow.session.scalar(select(CheckItem).where(CheckItem.code == code))
    if item is None or not item.active:
        raise InvalidInput(
            f"no active check item '{code}'", [FieldError("/check_item_code", "unknown or inactive")]
        )
    return item


def _check_sample(count, proportion, weights) -> None:
    errors = []
    if (count is None) == (proportion is None):
        errors.append(FieldError("/count", "give either count or proportion"))
    if count is not None and (not isinstance(count, int) or count < 1):
        errors.append(FieldError("/count", "must be a whole number, 1 or more"))
    if proportion is not None and not 0 < proportion <= 1:
        errors.append(FieldError("/proportion", "must be greater than 0 and at most 1"))
    for key, weight in (weights or {}).items():
        if key not in CREDIT_CLASSES or not isinstance(weight, int | float) or weight <= 0:
            errors.append(FieldError(f"/weights/{key}", "credit class A-D with a positive weight"))
    if errors:
        raise InvalidInput("the sampling parameters are invalid", errors)


def draw_inspectors(
    uow,
    config,
    business_key: str,
    targets: list[str] | None = None,
    targets_draw_id: int | None = None,
    check_item_code: str | None = None,
    per_target: int | None = None,
    department: str | None = None,
    district: str | None = None,
    fields: list[str] | None = None,
    match_target_district: bool = False,
    exclude=None,
    seed: int | None = None,
    actor=SYSTEM,
    previous_draw_id: int | None = None,
) -> dict:
    """Draw ``per_target`` inspectors (at least the configured minimum) for each target, with recusal.

    Targets are credit codes, or the result of the targets draw ``targets_draw_id`` (a retry
    keeps the drawn targets: a sample is never re-rolled); the check item, when given,
    supplies the department, district, fields and minimum. A redraw names the inspectors
    draw it replaces in ``previous_draw_id``.
    """
    replaced = _replaced_draw(uow, previous_draw_id, "inspectors", business_key)
    given = {"department": department, "district": district, "fields": fields}
    requirements, per_target = _inspector_requirements(uow, config, check_item_code, given, per_target)
    parameters = {
        "targets": _target_snapshots(uow, business_key, targets, targets_draw_id),
        "per_target": per_target,
        "match_target_district": match_target_district,
        "requirements": requirements,
        "check_item_code": check_item_code,
        "targets_draw_id": targets_draw_id,
        "exclude": list(exclude or []),
        **_policy(config),
    }
    return _seat_inspectors(uow, config, actor, business_key, parameters, seed, replaced)


def _seat_inspectors(uow, config, actor, business_key, parameters, seed, replaced) -> dict:
    """Draw among the eligible inspectors, record the draw and seat those it drew."""
    pool = eligibility.inspector_candidates(
        uow, config, parameters["targets"], parameters["requirements"], business_key, parameters["exclude"]
    )
    now = config.clock.now()
    record = _draw(uow, actor, "inspectors", business_key, pool, parameters, seed, now, replaced)
    seats = [
        {"person_id": i["person_id"], "role": "inspector", "credit_code": a["credit_code"]}
        for a in record.result["assignments"]
        for i in a["inspectors"]
    ]
    add_assignments(uow, record, seats, None)
    return _outcome(record)


def _replaced_draw(uow, draw_id: int | None, kind: str, business_key: str) -> int | None:
    """The draw a redraw replaces: an earlier draw of the same kind for the same case."""
    if draw_id is None:
        return None
    previous = uow.session.get(DrawRecord, draw_id) if isinstance(draw_id, int) else None
    if previous is None or previous.kind != kind or previous.business_key != business_key:
        raise InvalidInput(
            f"draw {draw_id} is not a {kind} draw of '{business_key}'",
            [FieldError("/previous_draw_id", f"no {kind} draw of this case has this id")],
        )
    return previous.id


def _inspector_requirements(uow, config, check_item_code, given: dict, per_target) -> tuple[dict, int]:
    """The check item's inspector requirements overridden by the given ones, and the seats per target."""
    item = _check_item(uow, check_item_code) if check_item_code else None
    requirements = dict(item.inspector_requirements) if item else {}
    requirements.update({k: v for k, v in given.items() if v is not None})
    if per_target is None:
        per_target = max(config.min_inspectors_per_target, requirements.get("min_inspectors") or 0)
    if not isinstance(per_target, int) or per_target < 1:
        raise InvalidInput("per_target is 1 or more", [FieldError("/per_target", "must be 1 or more")])
    return requirements, per_target


def _target_snapshots(uow, business_key, codes, targets_draw_id) -> list[dict]:
    if targets_draw_id is not None:
        previous = uow.session.get(DrawRecord, targets_draw_id)
        if previous is None or previous.kind != "targets" or previous.business_key != business_key:
            raise InvalidInput(
                "unknown targets draw", [FieldError("/targets_draw_id", "no targets draw of this plan")]
            )
        codes = [t["credit_code"] for t in previous.result["targets"]]
    codes = list(dict.fromkeys(codes or []))
    found = {
        i.credit_code: i
        for i in uow.session.scalars(select(Institution).where(Institution.credit_code.in_(codes)))
    }
    errors = [
        FieldError(f"/targets/{n}", "unknown institution") for n, c in enumerate(codes) if c not in found
    ]
    if errors or not codes:
        raise InvalidInput("the inspection targets are unknown", errors or [FieldError("/targets", "empty")])
    return [{"credit_code": c, "name": found[c].name, "district": found[c].district} for c in codes]
