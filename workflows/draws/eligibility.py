"""Who may be drawn: candidate snapshots and exclusions with their reasons, read from the registries.

Each exclusion names the candidate, a reason code and a reason in Chinese and
English. Codes: ``inactive``, ``excluded`` (on request), ``declined`` (declined
this case earlier), ``conflict`` (回避: a conflict of interest ongoing or ended
within the cooling-off period), ``over_workload``, ``no_matching_field``,
``certificate_revoked``.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from workflows.clock import BUREAU_TZ
from workflows.persistence.models import Assignment, ConflictOfInterest, Institution, Person
from workflows.persistence.models.registries import BUSY_STATUSES

_FIXED_REASONS = {
    "inactive": "已停用 / inactive in the pool",
    "excluded": "按要求排除 / excluded on request",
    "declined": "已拒绝本案选派 / declined an assignment for this case earlier",
    "no_matching_field": "专业领域不匹配 / no matching professional field",
    "certificate_revoked": "资质证书已撤销 / certificate revoked",
}
_CONFLICT_KINDS_ZH = {"employment": "任职", "consulting": "咨询", "family": "亲属关系", "other": "其他"}


def person_snapshot(person: Person, workload: int, limit: int) -> dict:
    return {
        "person_id": person.id,
        "name": person.name,
        "username": person.username,
        "kind": person.kind,
        "can_lead": person.can_lead,
        "fields": sorted(person.fields),
        "district": person.district,
        "department": person.department,
        "active": person.active,
        "workload": workload,
        "workload_limit": limit,
    }


def institution_snapshot(institution: Institution) -> dict:
    return {
        "institution_id": institution.id,
        "name": institution.name,
        "credit_code": institution.credit_code,
        "district": institution.district,
        "type": institution.type,
        "credit_class": institution.credit_class,
        "certificate_status": institution.certificate_status,
    }


def exclusion(candidate: dict, code: str, reason: str | None = None, **extra) -> dict:
    id_key = "person_id" if "person_id" in candidate else "institution_id"
    entry = {id_key: candidate[id_key], "name": candidate["name"], "code": code}
    return {**entry, "reason": reason or _FIXED_REASONS[code], **extra}


def people_snapshots(uow, config, people: list[Person]) -> list[dict]:
    """Snapshots with each person's current workload and effective limit, sorted by id."""
    since = config.clock.now() - timedelta(days=config.workload_period_days)
    ids = [p.id for p in people]
    counts = dict(
        uow.session.execute(
            select(Assignment.person_id, func.count())
            .where(Assignment.person_id.in_(ids), Assignment.status.in_(BUSY_STATUSES))
            .where(Assignment.assigned_at >= since)
            .group_by(Assignment.person_id)
        ).all()
    )
    snapshots = []
    for p in sorted(people, key=lambda p: p.id):
        limit = config.workload_limit if p.workload_limit is None else p.workload_limit
        snapshots.append(person_snapshot(p, counts.get(p.id, 0), limit))
    return snapshots


def conflicts_in_force(uow, config, person_ids: list[int], credit_codes: list[str]) -> dict:
    """{(person_id, credit_code): conflict} for conflicts ongoing or ended within the cooling-off period."""
    today = config.clock.now().astimezone(BUREAU_TZ).date()
    cutoff = _years_before(today, config.conflict_cooling_off_years)
    rows = uow.session.scalars(
        select(ConflictOfInterest)
        .where(ConflictOfInterest.person_id.in_(person_ids))
        .where(ConflictOfInterest.credit_code.in_(credit_codes))
        .where(ConflictOfInterest.end_date.is_(None) | (ConflictOfInterest.end_date > cutoff))
        .order_by(ConflictOfInterest.id)
    )
    found = {}
    for row in rows:
        found.setdefault((row.person_id, row.credit_code), row)
    return found


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def conflict_reason(conflict: ConflictOfInterest, years: int) -> str:
    start, end = conflict.start_date.isoformat(), conflict.end_date
    kind_zh = _CONFLICT_KINDS_ZH.get(conflict.kind, conflict.kind)
    return (
        f"与该机构存在利害关系（{kind_zh}，{start}至{end.isoformat() if end else '今'}），"
        f"在{years}年冷静期内，回避 / conflict of interest ({conflict.kind}, {start} to "
        f"{end.isoformat() if end else 'ongoing'}) within the {years}-year cooling-off period: recused"
    )


def workload_reason(candidate: dict) -> str:
    used, limit = candidate["workload"], candidate["workload_limit"]
    return f"工作量已满（{used}/{limit}）/ workload limit reached ({used}/{limit})"


def declined_people(uow, business_key: str, roles: tuple[str, ...]) -> set[int]:
    return set(
        uow.session.scalars(
            select(Assignment.person_id).where(
                Assignment.business_key == business_key,
                Assignment.status == "declined",
                Assignment.role.in_(roles),
            )
        )
    )


def person_exclusion(candidate: dict, excluded: set[int], declined: set[int]) -> dict | None:
    """The first reason, in a fixed order, that keeps this person out of every seat."""
    pid = candidate["person_id"]
    if not candidate["active"]:
        return exclusion(candidate, "inactive")
    if pid in declined:
        return exclusion(candidate, "declined")
    if pid in excluded:
        return exclusion(candidate, "excluded")
    return None


def review_candidates(uow, config, fields, credit_code, business_key, exclude, kept_ids) -> tuple:
    """Reviewers and experts (all of them, minus the kept team) and why each excluded one is out."""
    people = uow.session.scalars(
        select(Person).where(Person.kind.in_(("reviewer", "expert")), Person.id.not_in(kept_ids))
    ).all()
    candidates = people_snapshots(uow, config, list(people))
    conflicts = conflicts_in_force(uow, config, [c["person_id"] for c in candidates], [credit_code])
    declined = declined_people(uow, business_key, ("leader", "member"))
    exclusions = []
    for c in candidates:
        found = person_exclusion(c, set(exclude), declined)
        conflict = conflicts.get((c["person_id"], credit_code))
        if found is None and conflict is not None:
            found = exclusion(c, "conflict", conflict_reason(conflict, config.conflict_cooling_off_years))
        if found is None and c["workload"] >= c["workload_limit"]:
            found = exclusion(c, "over_workload", workload_reason(c))
        if found is None and not c["can_lead"] and not set(c["fields"]) & set(fields):
            found = exclusion(c, "no_matching_field")
        if found is not None:
            exclusions.append(found)
    return candidates, exclusions


def inspector_candidates(uow, config, targets, requirements: dict, business_key, exclude) -> tuple:
    """Inspectors of the required department and district; conflicts recuse per target (回避)."""
    stmt = select(Person).where(Person.kind == "inspector")
    for name in ("department", "district"):
        if requirements.get(name):
            stmt = stmt.where(getattr(Person, name) == requirements[name])
    candidates = people_snapshots(uow, config, list(uow.session.scalars(stmt)))
    codes = [t["credit_code"] for t in targets]
    conflicts = conflicts_in_force(uow, config, [c["person_id"] for c in candidates], codes)
    declined = declined_people(uow, business_key, ("inspector",))
    fields = set(requirements.get("fields") or [])
    exclusions = []
    for c in candidates:
        found = person_exclusion(c, set(exclude), declined)
        if found is None and c["workload"] >= c["workload_limit"]:
            found = exclusion(c, "over_workload", workload_reason(c))
        if found is None and fields and not fields & set(c["fields"]):
            found = exclusion(c, "no_matching_field")
        if found is not None:
            exclusions.append(found)
            continue
        for code in codes:
            if (conflict := conflicts.get((c["person_id"], code))) is not None:
                reason = conflict_reason(conflict, config.conflict_cooling_off_years)
                exclusions.append(exclusion(c, "conflict", reason, target=code))
    return candidates, exclusions


def target_candidates(uow, types: list[str], districts: list[str], exclude: list[str]) -> tuple:
    """Institutions of the given types and districts; revoked or excluded ones are out."""
    stmt = select(Institution).order_by(Institution.id)
    if types:
        stmt = stmt.where(Institution.type.in_(types))
    if districts:
        stmt = stmt.where(Institution.district.in_(districts))
    candidates = [institution_snapshot(i) for i in uow.session.scalars(stmt)]
    exclusions = []
    for c in candidates:
        if c["credit_code"] in exclude:
            exclusions.append(exclusion(c, "excluded"))
        elif c["certificate_status"] == "revoked":
            exclusions.append(exclusion(c, "certificate_revoked"))
    return candidates, exclusions
