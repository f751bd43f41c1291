"""Bulk import into the registries: all rows valid or nothing imported, then upsert by natural key.

Natural keys: people by username (or name and kind when there is none),
institutions by credit code, check items by code, conflicts by person, credit
code, kind and start date. Rows arrive with their line numbers, and every error
points at ``/<line>/<column>``.
"""

from __future__ import annotations

from sqlalchemy import select

from workflows.access import may_write_registry
from workflows.errors import Conflict, FieldError, InvalidInput, NotPermitted
from workflows.persistence import audit
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import Person
from workflows.registries.records import add_record, change_record, checked_values
from workflows.registries.rules import REGISTRIES, Registry

_PERSON_REF = ("person_username", "person_name", "person_kind")


def import_registry(config, actor, name: str, rows: list[tuple[int, dict]], file_name: str) -> dict:
    """Validate every row, then create or update them all in one transaction; audited."""
    registry = REGISTRIES[name]
    if not may_write_registry(actor, registry):
        raise NotPermitted(f"importing {name} needs one of the groups: {', '.join(sorted(registry.writers))}")
    with UnitOfWork(config.sessions) as uow:
        plans, errors = _plans(uow, registry, rows)
        if errors:
            raise InvalidInput(f"{file_name}: {len(errors)} problem(s) found; nothing was imported", errors)
        counts = _apply(uow, registry, plans, config.clock.now())
        audit.record(
            uow,
            actor,
            "registry_imported",
            config.clock.now(),
            registry=name,
            file=file_name,
            rows=len(rows),
            **counts,
        )
        uow.commit()
        return {"registry": name, "rows": len(rows), **counts}


def row_problems(config, name: str, rows: list[tuple[int, dict]]) -> list[FieldError]:
    """What an import of these rows would refuse, without writing anything."""
    with UnitOfWork(config.sessions) as uow:
        return _plans(uow, REGISTRIES[name], rows)[1]


def _plans(uow, registry: Registry, rows: list[tuple[int, dict]]) -> tuple[list, list[FieldError]]:
    plans, errors, seen = [], [], {}
    for line, values in rows:
        try:
            existing, values, key = _plan(uow, registry, values)
            if key in seen:
                raise InvalidInput("duplicate", [FieldError("", f"repeats line {seen[key]}")])
            seen[key] = line
            plans.append((existing, values))
        except InvalidInput as exc:
            errors += [FieldError(f"/{line}{e.pointer}", e.message) for e in exc.errors]
        except Conflict as exc:
            errors.append(FieldError(f"/{line}", exc.detail))
    return plans, errors


def _plan(uow, registry: Registry, values: dict) -> tuple:
    """The row's existing record (or None), its complete checked values and its natural key."""
    values = dict(values)
    if registry.name == "conflicts":
        values["person_id"] = _person_ref(uow, {k: values.pop(k, None) for k in _PERSON_REF})
    existing = _existing(uow, registry, values)
    current = {c: getattr(existing, c) for c in registry.columns} if existing else registry.defaults
    complete = checked_values(uow, registry, {**current, **values}, existing.id if existing else None)
    return existing, complete, _natural_key(registry, complete)


def _natural_key(registry: Registry, values: dict) -> tuple:
    if registry.name == "people":
        return (values["username"],) if values["username"] else (values["name"], values["kind"])
    if registry.name == "conflicts":
        return values["person_id"], values["credit_code"], values["kind"], values["start_date"]
    return (values[registry.unique],)


def _existing(uow, registry: Registry, values: dict):
    model = registry.model
    if registry.name == "people":
        return _existing_person(uow, values.get("username"), values.get("name"), values.get("kind"))
    if registry.name == "conflicts":
        keys = ("person_id", "credit_code", "kind", "start_date")
        return uow.session.scalar(select(model).where(*(getattr(model, k) == values.get(k) for k in keys)))
    return uow.session.scalar(
        select(model).where(getattr(model, registry.unique) == values.get(registry.unique))
    )


def _existing_person(uow, username, name, kind, pointer: str = "") -> Person | None:
    if username:
        found = uow.session.scalar(select(Person).where(Person.username == username))
        if found is not None:
            return found
    matches = uow.session.scalars(
        select(Person).where(Person.name == name, Person.kind == kind, Person.username.is_(None))
    ).all()
    if len(matches) > 1:
        raise InvalidInput(
            "ambiguous", [FieldError(pointer or "/name", "several people have this name and kind")]
        )
    return matches[0] if matches else None


def _person_ref(uow, ref: dict) -> int:
    person = _existing_person(
        uow, ref["person_username"], ref["person_name"], ref["person_kind"], "/person_name"
    )
    if person is None:
        raise InvalidInput("unknown person", [FieldError("/person_username", "no such person in the pools")])
    return person.id


def _apply(uow, registry: Registry, plans: list, now) -> dict:
    for existing, values in plans:
        if existing is None:
            add_record(uow, registry, values, now)
        else:
            change_record(uow, registry, existing, values, now)
    created = sum(1 for existing, _ in plans if existing is None)
    return {"created": created, "updated": len(plans) - created}
