"""Registry references in forms: ``"x-registry": "check_items"`` on a form property.

The value of such a property must name a record of that registry: an active check item
by its code, an institution by its credit code, an active pool member by username (a
string) or registry id (an integer). The keyword is honoured on properties and array
items at any depth; it is checked after the JSON Schema, before anything runs, so an
unknown code is invalid input at its JSON pointer instead of a case failing later.
"""

from __future__ import annotations

from sqlalchemy import select

from workflows.errors import FieldError, InvalidInput
from workflows.persistence.models import CheckItem, Institution, Person

KEYWORD = "x-registry"
_MESSAGES = {
    "check_items": "抽查事项清单中没有该有效事项 / not an active check item of the list",
    "institutions": "检查对象名录库中没有该机构 / no institution with this credit code in the registry",
    "people": "人员库中没有该在库人员 / no active member of the people pools with this username or id",
}
REGISTRIES = tuple(_MESSAGES)


def check_registry_keywords(schema: dict, file: str) -> None:
    """Refuse a form naming an unknown registry, or using the keyword where it is not honoured."""
    honoured = [name for _, name in _declared(schema, "")]
    unknown = sorted({str(name) for name in honoured if name not in REGISTRIES})
    if unknown:
        raise InvalidInput(
            f"{file}: unknown {KEYWORD} {', '.join(unknown)} (known: {', '.join(REGISTRIES)})", file=file
        )
    if _count(schema) != len(honoured):
        raise InvalidInput(
            f"{file}: {KEYWORD} is honoured on properties and array items only "
            "(not inside allOf, anyOf, oneOf, if/then or additionalProperties)",
            file=file,
        )


def check_registry_references(session, schema: dict, data, prefix: str = "") -> None:
    """Raise ``InvalidInput`` listing every value that names no (active) registry record."""
    found = list(_references(schema, data, ""))
    errors = []
    for registry in REGISTRIES:
        values = [value for _, name, value in found if name == registry]
        if not values:
            continue
        listed = _listed(session, registry, values)
        errors += [
            FieldError(prefix + pointer, _MESSAGES[registry])
            for pointer, name, value in found
            if name == registry and _key(value) not in listed
        ]
    if errors:
        fields = ", ".join(e.pointer for e in errors)
        raise InvalidInput(f"The submitted data names unknown registry records: {fields}", errors=errors)


def _declared(schema, pointer: str):
    if not isinstance(schema, dict):
        return
    if KEYWORD in schema:
        yield pointer, schema[KEYWORD]
    for key, sub in (schema.get("properties") or {}).items():
        yield from _declared(sub, f"{pointer}/{key}")
    yield from _declared(schema.get("items"), f"{pointer}/items")


def _count(node) -> int:
    if isinstance(node, dict):
        return (KEYWORD in node) + sum(_count(v) for v in node.values())
    if isinstance(node, list):
        return sum(_count(v) for v in node)
    return 0


def _references(schema, data, pointer: str):
    if not isinstance(schema, dict) or data is None:
        return
    if KEYWORD in schema:
        yield pointer, schema[KEYWORD], data
    if isinstance(data, dict):
        for key, sub in (schema.get("properties") or {}).items():
            if key in data:
                yield from _references(sub, data[key], f"{pointer}/{_escape(key)}")
    elif isinstance(data, list):
        for n, item in enumerate(data):
            yield from _references(schema.get("items"), item, f"{pointer}/{n}")


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _key(value):
    """What a value can match: a string, or an integer id (booleans and the rest match nothing).

    Values no record can have (NUL characters, ids beyond a 32-bit key) are left out of the
    query, which PostgreSQL would otherwise refuse.
    """
    if isinstance(value, str) and "\x00" not in value:
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31:
        return value
    return None


def _listed(session, registry: str, values: list) -> set:
    texts = [v for v in values if isinstance(_key(v), str)]
    if registry == "check_items":
        stmt = select(CheckItem.code).where(CheckItem.code.in_(texts), CheckItem.active.is_(True))
        return set(session.scalars(stmt))
    if registry == "institutions":
        return set(session.scalars(select(Institution.credit_code).where(Institution.credit_code.in_(texts))))
    ids = [v for v in values if isinstance(_key(v), int)]
    rows = session.execute(
        select(Person.id, Person.username).where(
            Person.active.is_(True), Person.username.in_(texts) | Person.id.in_(ids)
        )
    ).all()
    return {row.id for row in rows} | {row.username for row in rows if row.username}
