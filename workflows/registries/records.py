"""Use cases on the registries: people pools, institutions, check items, conflicts of interest.

Any bureau staff may read them; admins and supervisors write them (the review
centre also writes the people pools). Every write is audited in its transaction.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import exists, func, or_, select, type_coerce
from sqlalchemy.dialects.postgresql import JSONB

from workflows.access import is_staff, may_read_conflicts, may_write_registry
from workflows.errors import Conflict, FieldError, InvalidInput, NotFound, NotPermitted
from workflows.persistence import audit
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import ConflictOfInterest, Institution, Person, User
from workflows.persistence.models.registries import (  # noqa: F401 (choices the API's schemas offer)
    ASSIGNMENT_ROLES,
    ASSIGNMENT_STATUSES,
    CERTIFICATE_STATUSES,
    CONFLICT_KINDS,
    CREDIT_CLASSES,
    INSTITUTION_TYPES,
    PERSON_KINDS,
)
from workflows.registries.rules import (
    CONFLICTS,
    INSTITUTIONS,
    PEOPLE,
    REGISTRIES,
    Registry,
    normalized,
    record_errors,
)
from workflows.users import SYSTEM


def _check_reader(actor) -> None:
    if not is_staff(actor):
        raise NotPermitted("the registries are for bureau staff")


def _check_writer(actor, registry: Registry) -> None:
    if not may_write_registry(actor, registry):
        raise NotPermitted(
            f"changing {registry.name} needs one of the groups: {', '.join(sorted(registry.writers))}"
        )


def list_records(config, actor, name: str, filters: dict, page: int, page_size: int) -> tuple[list, int]:
    """Records matching equality filters, ``q`` (text search) and ``field`` (people), by id."""
    _check_reader(actor)
    registry = REGISTRIES[name]
    model = registry.model
    stmt = select(model)
    for column in registry.filters:
        if filters.get(column) is not None:
            stmt = stmt.where(getattr(model, column) == filters[column])
    if filters.get("q"):
        stmt = stmt.where(
            or_(*(getattr(model, c).icontains(filters["q"], autoescape=True) for c in registry.search))
        )
    with UnitOfWork(config.sessions) as uow:
        if filters.get("field") and registry is PEOPLE:
            stmt = stmt.where(_has_field(uow, filters["field"]))
        total = uow.session.scalar(select(func.count()).select_from(stmt.subquery()))
        rows = uow.session.scalars(stmt.order_by(model.id).offset((page - 1) * page_size).limit(page_size))
        return list(rows), total


def _has_field(uow, value: str):
    if uow.is_postgres:
        return type_coerce(Person.fields, JSONB).contains([value])
    items = func.json_each(Person.fields).table_valued("value")
    return exists(select(items.c.value).where(items.c.value == value))


def get_record(config, actor, name: str, record_id: int):
    _check_reader(actor)
    with UnitOfWork(config.sessions) as uow:
        return _record(uow, REGISTRIES[name], record_id)


def _record(uow, registry: Registry, record_id: int):
    row = uow.session.get(registry.model, record_id)
    if row is None:
        raise NotFound(f"{registry.label} {record_id} does not exist")
    return row


def create_record(config, actor, name: str, values: dict):
    """Add a person, institution or check item; its unique key must be free."""
    registry = REGISTRIES[name]
    _check_writer(actor, registry)
    with UnitOfWork(config.sessions) as uow:
        row = add_record(uow, registry, values, config.clock.now())
        action = f"{registry.label.replace(' ', '_')}_created"
        audit.record(uow, actor, action, row.created_at, registry=name, id=row.id, values=json_safe(values))
        uow.commit()
        return row


def add_record(uow, registry: Registry, values: dict, now):
    complete = checked_values(uow, registry, {**registry.defaults, **values}, None)
    row = registry.model(**complete, created_at=now)
    if hasattr(row, "updated_at"):
        row.updated_at = now
    uow.session.add(row)
    uow.flush()
    return row


def update_record(config, actor, name: str, record_id: int, changes: dict):
    """Change some columns of a record (PATCH); the whole record must stay valid."""
    registry = REGISTRIES[name]
    _check_writer(actor, registry)
    with UnitOfWork(config.sessions) as uow:
        row = _record(uow, registry, record_id)
        change_record(uow, registry, row, changes, config.clock.now())
        action = f"{registry.label.replace(' ', '_')}_updated"
        audit.record(uow, actor, action, row.updated_at, registry=name, id=row.id, changes=json_safe(changes))
        uow.commit()
        return row


def change_record(uow, registry: Registry, row, changes: dict, now) -> None:
    current = {c: getattr(row, c) for c in registry.columns}
    complete = checked_values(uow, registry, {**current, **changes}, row.id)
    for column, value in complete.items():
        setattr(row, column, value)
    if hasattr(row, "updated_at"):
        row.updated_at = now


def checked_values(uow, registry: Registry, values: dict, record_id: int | None) -> dict:
    """The values normalised, or InvalidInput (422) / Conflict (409, unique key taken)."""
    values = normalized(registry, values)
    errors = record_errors(registry, values)
    if registry is PEOPLE and values.get("username") and not _is_active_user(uow, values["username"]):
        errors.append(FieldError("/username", f"no active user account '{values['username']}'"))
    if errors:
        raise InvalidInput(f"the {registry.label} is invalid", errors)
    key = registry.unique
    if key and values.get(key) is not None:
        taken = uow.session.scalar(
            select(registry.model.id).where(
                getattr(registry.model, key) == values[key], registry.model.id != (record_id or 0)
            )
        )
        if taken is not None:
            raise Conflict(f"another {registry.label} already has {key} '{values[key]}'", id=taken)
    return values


def _is_active_user(uow, name: str) -> bool:
    """A pool person receives tasks as the account their ``username`` names."""
    return uow.session.scalar(select(User.id).where(User.name == name, User.active.is_(True))) is not None


def json_safe(values: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


def list_conflicts(config, actor, person_id: int) -> list[ConflictOfInterest]:
    """A person's conflicts of interest: for the people registry's writers, supervisors and
    the person themself (the account named by their ``username``)."""
    _check_reader(actor)
    with UnitOfWork(config.sessions) as uow:
        person = _record(uow, PEOPLE, person_id)
        if not may_read_conflicts(actor, person):
            raise NotPermitted("conflict-of-interest records are for the pool's keepers and the person")
        stmt = select(ConflictOfInterest).where(ConflictOfInterest.person_id == person_id)
        return list(uow.session.scalars(stmt.order_by(ConflictOfInterest.start_date, ConflictOfInterest.id)))


def add_conflict(config, actor, person_id: int, values: dict) -> ConflictOfInterest:
    """Record a conflict of interest of a person with an institution (回避 grounds)."""
    _check_writer(actor, CONFLICTS)
    with UnitOfWork(config.sessions) as uow:
        _record(uow, PEOPLE, person_id)
        row = add_record(uow, CONFLICTS, {**values, "person_id": person_id}, config.clock.now())
        about = {"registry": "conflicts", "id": row.id, "person_id": person_id}
        audit.record(uow, actor, "conflict_created", row.created_at, values=json_safe(values), **about)
        uow.commit()
        return row


def update_conflict(config, actor, person_id: int, conflict_id: int, changes: dict) -> ConflictOfInterest:
    """Correct a conflict record, typically to set the date it ended."""
    _check_writer(actor, CONFLICTS)
    with UnitOfWork(config.sessions) as uow:
        row = uow.session.get(ConflictOfInterest, conflict_id)
        if row is None or row.person_id != person_id:
            raise NotFound(f"person {person_id} has no conflict of interest {conflict_id}")
        change_record(uow, CONFLICTS, row, changes, config.clock.now())
        about = {"registry": "conflicts", "id": row.id, "person_id": person_id}
        audit.record(uow, actor, "conflict_updated", config.clock.now(), changes=json_safe(changes), **about)
        uow.commit()
        return row


def set_certificate_status(
    uow,
    credit_code: str,
    status: str,
    certificate_no: str | None = None,
    *,
    at,
    actor=SYSTEM,
    name: str | None = None,
    district: str | None = None,
    institution_type: str = "testing_institution",
) -> Institution:
    """Keep the target pool in step with approval decisions (grant, suspend, revoke).

    Runs in the caller's unit of work and does not commit; an unknown institution
    is created (named ``name``, or its credit code until someone corrects it).
    """
    row = uow.session.scalar(select(Institution).where(Institution.credit_code == credit_code))
    changes = {"certificate_status": status}
    if certificate_no is not None:
        changes["certificate_no"] = certificate_no
    if row is None:
        values = {"name": name or credit_code, "credit_code": credit_code, "district": district}
        row = add_record(uow, INSTITUTIONS, {**values, "type": institution_type, **changes}, at)
    else:
        change_record(uow, INSTITUTIONS, row, changes, at)
    audit.record(uow, actor, "certificate_status_set", at, registry="institutions", id=row.id, **changes)
    return row
