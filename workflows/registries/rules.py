"""What a valid registry record is: columns, defaults, allowed values and natural keys.

Shared by the create/update use cases and the CSV import, so a record is held to
the same rules whichever way it arrives. Errors are JSON pointers to the column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from workflows.access import POOL_KEEPERS, REGISTRY_KEEPERS
from workflows.engine.forms import is_credit_code
from workflows.errors import FieldError
from workflows.persistence.models import CheckItem, ConflictOfInterest, Institution, Person
from workflows.persistence.models.registries import (
    CERTIFICATE_STATUSES,
    CONFLICT_KINDS,
    CREDIT_CLASSES,
    INSTITUTION_TYPES,
    PERSON_KINDS,
)


@dataclass(frozen=True)
class Registry:
    """One registry: its table, writable columns with defaults, list filters and unique column."""

    name: str
    label: str
    model: type
    defaults: dict
    required: tuple[str, ...]
    filters: tuple[str, ...]
    unique: str | None
    search: tuple[str, ...]
    writers: frozenset[str] = field(default=REGISTRY_KEEPERS)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self.defaults)


PEOPLE = Registry(
    "people",
    "person",
    Person,
    defaults={
        "name": None,
        "kind": None,
        "username": None,
        "can_lead": False,
        "fields": [],
        "district": None,
        "department": None,
        "active": True,
        "workload_limit": None,
    },
    required=("name", "kind"),
    filters=("kind", "district", "department", "active", "can_lead", "username"),
    unique="username",
    search=("name",),
    writers=POOL_KEEPERS,
)
INSTITUTIONS = Registry(
    "institutions",
    "institution",
    Institution,
    defaults={
        "name": None,
        "credit_code": None,
        "district": None,
        "type": None,
        "credit_class": "B",
        "certificate_status": "none",
        "certificate_no": None,
    },
    required=("name", "credit_code", "type"),
    filters=("type", "district", "credit_class", "certificate_status", "credit_code"),
    unique="credit_code",
    search=("name", "credit_code"),
)
CHECK_ITEMS = Registry(
    "check_items",
    "check item",
    CheckItem,
    defaults={
        "code": None,
        "name": None,
        "legal_basis": None,
        "target_type": None,
        "proportion": None,
        "frequency": None,
        "method": None,
        "inspector_requirements": {},
        "active": True,
    },
    required=("code", "name", "target_type", "proportion"),
    filters=("target_type", "active", "code"),
    unique="code",
    search=("name", "code"),
)
CONFLICTS = Registry(
    "conflicts",
    "conflict of interest",
    ConflictOfInterest,
    defaults={"credit_code": None, "kind": None, "start_date": None, "end_date": None, "note": None},
    required=("credit_code", "kind", "start_date"),
    filters=(),
    unique=None,
    search=(),
    writers=PEOPLE.writers,
)
REGISTRIES = {r.name: r for r in (PEOPLE, INSTITUTIONS, CHECK_ITEMS, CONFLICTS)}

_CHOICES = {
    "people": {"kind": PERSON_KINDS},
    "institutions": {
        "type": INSTITUTION_TYPES,
        "credit_class": CREDIT_CLASSES,
        "certificate_status": CERTIFICATE_STATUSES,
    },
    "check_items": {"target_type": INSTITUTION_TYPES},
    "conflicts": {"kind": CONFLICT_KINDS},
}


def record_errors(registry: Registry, values: dict) -> list[FieldError]:
    """Every rule the complete ``values`` of a record break, as pointer/message pairs."""
    errors = [
        FieldError(f"/{name}", "is required") for name in registry.required if values.get(name) in (None, "")
    ]
    for name, allowed in _CHOICES[registry.name].items():
        if values.get(name) is not None and values[name] not in allowed:
            errors.append(FieldError(f"/{name}", f"must be one of: {', '.join(allowed)}"))
    if values.get("credit_code") and not is_credit_code(values["credit_code"]):
        errors.append(FieldError("/credit_code", "is not a valid unified social credit code (GB 32100)"))
    errors += _SPECIFIC[registry.name](values)
    return errors


def _person_errors(values: dict) -> list[FieldError]:
    errors = _string_list_errors(values.get("fields"), "/fields")
    if values.get("can_lead") and values.get("kind") != "reviewer":
        errors.append(FieldError("/can_lead", "only reviewers may lead a review team"))
    if values.get("workload_limit") is not None and values["workload_limit"] < 0:
        errors.append(FieldError("/workload_limit", "must be zero or more"))
    return errors


def _check_item_errors(values: dict) -> list[FieldError]:
    errors = []
    proportion = values.get("proportion")
    if proportion is not None and not 0 < proportion <= 1:
        errors.append(FieldError("/proportion", "must be greater than 0 and at most 1"))
    requirements = values.get("inspector_requirements")
    if not isinstance(requirements, dict):
        return [*errors, FieldError("/inspector_requirements", "must be an object")]
    minimum = requirements.get("min_inspectors")
    if minimum is not None and (not isinstance(minimum, int) or isinstance(minimum, bool) or minimum < 1):
        errors.append(
            FieldError("/inspector_requirements/min_inspectors", "must be a whole number, 1 or more")
        )
    errors += _string_list_errors(requirements.get("fields", []), "/inspector_requirements/fields")
    for name in ("department", "district"):
        if requirements.get(name) is not None and not isinstance(requirements[name], str):
            errors.append(FieldError(f"/inspector_requirements/{name}", "must be a string"))
    return errors


def _conflict_errors(values: dict) -> list[FieldError]:
    start, end = values.get("start_date"), values.get("end_date")
    if isinstance(start, date) and isinstance(end, date) and end < start:
        return [FieldError("/end_date", "must not be before start_date")]
    return []


def _string_list_errors(value, pointer: str) -> list[FieldError]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        return [FieldError(pointer, "must be a list of non-empty strings")]
    return []


_SPECIFIC = {
    "people": _person_errors,
    "institutions": lambda values: [],
    "check_items": _check_item_errors,
    "conflicts": _conflict_errors,
}


def normalized(registry: Registry, values: dict) -> dict:
    """Values as stored: professional fields deduplicated, in a stable order."""
    values = dict(values)
    if registry.name == "people" and isinstance(values.get("fields"), list):
        values["fields"] = sorted({f.strip() for f in values["fields"] if isinstance(f, str)})
    return values
