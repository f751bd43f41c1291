"""Validation errors worded for the page's reader: by the JSON Schema rule a value broke, in
the page's language, with the limit read from the field's schema. Errors without a rule
(the completion rules, registry checks) keep the engine's own message."""

from __future__ import annotations

from flask_babel import gettext as _

from workflows.errors import FieldError

from .form_fields import Field, walk

DATA_PREFIX = "/data"


def field_messages(errors: list[FieldError], fields: list[Field], prefix: str = DATA_PREFIX) -> dict:
    """Each error's pointer (without ``prefix``) with the message to show next to its field."""
    schemas = {f.pointer: f.schema for f in walk(fields)}
    messages = {}
    for error in errors:
        pointer = error.pointer[len(prefix) :] if error.pointer.startswith(prefix) else error.pointer
        if pointer not in messages:
            messages[pointer] = message(error, schemas.get(pointer) or {})
    return messages


def message(error: FieldError, schema: dict) -> str:
    keyword = error.keyword
    if keyword == "required":
        return _("This field is required.")
    if keyword in ("minLength", "maxLength", "minItems", "maxItems", "minimum", "maximum"):
        return _limit_message(keyword, schema)
    if keyword == "const" and schema.get("type") == "boolean":
        return _("Please confirm this.")
    if keyword in ("enum", "const"):
        return _("Choose one of the options.")
    if keyword == "type" and schema.get("type") in ("number", "integer"):
        return _("Enter a number.")
    if keyword == "uniqueItems":
        return _("The entries must all be different.")
    if keyword in ("format", "pattern", "type"):
        return _format_message(schema)
    return error.message


def _limit_message(keyword: str, schema: dict) -> str:
    limit = schema.get(keyword)
    if keyword == "minLength" and limit == 1:
        return _("This field must not be empty.")
    if keyword == "minItems" and limit == 1:
        return _("Add at least one entry.")
    texts = {
        "minLength": _("At least %(n)s characters.", n=limit),
        "maxLength": _("At most %(n)s characters.", n=limit),
        "minItems": _("At least %(n)s entries.", n=limit),
        "maxItems": _("At most %(n)s entries.", n=limit),
        "minimum": _("Not less than %(n)s.", n=limit),
        "maximum": _("Not more than %(n)s.", n=limit),
    }
    return texts[keyword]


def _format_message(schema: dict) -> str:
    if schema.get("format") == "date":
        return _("Enter a valid date.")
    if schema.get("format") == "date-time":
        return _("Enter a valid date and time.")
    if schema.get("format") == "unified-social-credit-code":
        return _("Enter a valid unified social credit code (18 characters).")
    return _("The value is not in the expected format.")
