"""JSON Schema forms: loading at deployment, validating submissions at run time.

A task's form is, in order: the file it names (``camunda:formKey`` or the
spiffworkflow property ``formJsonSchemaFilename``), the file named by convention
``<process_key>/<task_id>.schema.json``, or a schema generated from Camunda's
``camunda:formData``. UI schemas sit beside it as ``.uischema.json``.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime
from functools import lru_cache
from itertools import islice

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError

from workflows.clock import outside_supported_range
from workflows.errors import FieldError, InvalidInput
from workflows.inputs import json_rules
from workflows.inputs.text import excerpt, quoted

SCHEMA_SUFFIX = ".schema.json"
UI_SUFFIX = ".uischema.json"
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
FORMAT_CHECKER = FormatChecker()
# Checks of custom keywords a deployed form may use, ``check(schema, file_name)`` raising
# InvalidInput; the registries install theirs (``x-registry``) through ``workflows.wiring``.
SCHEMA_CHECKS: list = []
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([Zz]|[+-]\d{2}:\d{2})")
# Errors listed per submission and the length of each message (a problem quotes excerpts only).
_MAX_ERRORS, _MESSAGE_CHARS = 50, 300


@FORMAT_CHECKER.checks("unified-social-credit-code")
def is_credit_code(value) -> bool:
    """Unified social credit code (统一社会信用代码), GB 32100-2015, check digit included."""
    if not isinstance(value, str):
        return True
    if len(value) != 18 or any(c not in _USCC_CHARS for c in value):
        return False
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(value[:17], _USCC_WEIGHTS, strict=True))
    return value[17] == _USCC_CHARS[(31 - total % 31) % 31]


@FORMAT_CHECKER.checks("date-time", raises=ValueError)
def is_date_time(value) -> bool:
    """RFC 3339 with its offset, within the supported range (Beijing dates 1970 to 2199)."""
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.fullmatch(value):
        return False
    return not outside_supported_range(datetime.fromisoformat(value.upper()))


@FORMAT_CHECKER.checks("date", raises=ValueError)
def is_date(value) -> bool:
    """An RFC 3339 full date (``YYYY-MM-DD``) within the supported range."""
    if not isinstance(value, str):
        return True
    if not _DATE.fullmatch(value):
        return False
    return not outside_supported_range(date.fromisoformat(value))


_CAMUNDA_TYPES = {"string": "string", "long": "integer", "boolean": "boolean", "date": "string"}


def load_json_file(name: str, content: bytes, max_depth: int = json_rules.DEFAULT_MAX_DEPTH) -> dict:
    try:
        document = json_rules.loads(content.decode("utf-8"), max_depth)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"{name} is not valid JSON: {exc}", file=name) from exc
    except InvalidInput as exc:
        raise InvalidInput(f"{name}: {exc.detail}", errors=exc.errors, file=name) from exc
    if not isinstance(document, dict):
        raise InvalidInput(f"{name} must hold a JSON object", file=name)
    if name.endswith(SCHEMA_SUFFIX):
        try:
            Draft202012Validator.check_schema(document)
        except SchemaError as exc:
            raise InvalidInput(f"{name} is not a valid JSON Schema: {exc.message}", file=name) from exc
        for check in SCHEMA_CHECKS:
            check(document, name)
    return document


def form_hash(schema: dict, ui_schema: dict | None) -> str:
    canonical = json.dumps([schema, ui_schema or {}], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def camunda_form_schema(fields: list[dict]) -> dict:
    """A JSON Schema equivalent of Camunda Modeler's generated-form fields."""
    properties, required = {}, []
    for f in fields:
        prop = {"title": f["label"] or f["id"]}
        if f["type"] == "enum":
            prop.update(
                {"type": "string", "enum": list(f["values"]), "x-enumNames": list(f["values"].values())}
            )
        else:
            prop["type"] = _CAMUNDA_TYPES.get(f["type"], "string")
            if f["type"] == "date":
                prop["format"] = "date"
        if f.get("default") is not None:
            prop["default"] = f["default"]
        constraints = f.get("constraints") or {}
        if "required" in constraints:
            required.append(f["id"])
        for name, keyword in (
            ("minlength", "minLength"),
            ("maxlength", "maxLength"),
            ("min", "minimum"),
            ("max", "maximum"),
        ):
            if constraints.get(name) is not None:
                prop[keyword] = int(constraints[name])
        properties[f["id"]] = prop
    return {"type": "object", "properties": properties, "required": required}


@lru_cache(maxsize=1024)
def _validator(schema_json: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads(schema_json), format_checker=FORMAT_CHECKER)


def with_defaults(schema: dict, data: dict) -> dict:
    """``data`` with the form's ``default`` values filled in where a property is missing."""
    filled = dict(data)
    for name, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, dict):
            continue
        if name not in filled and "default" in prop:
            filled[name] = prop["default"]
        elif isinstance(filled.get(name), dict) and prop.get("properties"):
            filled[name] = with_defaults(prop, filled[name])
    return filled


def validate_form_data(schema: dict, data: dict, prefix: str = "") -> None:
    """Raise ``InvalidInput`` listing every invalid field as a JSON pointer."""
    validator = _validator(json.dumps(schema, sort_keys=True))
    errors = [
        FieldError(prefix + _pointer(error.absolute_path, error), _message(error), str(error.validator))
        for error in sorted(
            islice(validator.iter_errors(data), _MAX_ERRORS), key=lambda e: list(e.absolute_path)
        )
    ]
    if errors:
        fields = ", ".join(e.pointer for e in errors)
        raise InvalidInput(f"The submitted data is invalid: {fields}", errors=errors)


def _message(error) -> str:
    """jsonschema's message quoting only an excerpt of the value: it embeds the value's whole
    ``repr``, which for a large submission would be sent back in full."""
    message = error.message
    if len(message) <= _MESSAGE_CHARS:
        return message
    full = repr(error.instance)
    if message.startswith(full):
        message = quoted(error.instance) + message[len(full) :]
    return excerpt(message, _MESSAGE_CHARS)


def _pointer(path, error) -> str:
    parts = [str(p) for p in path]
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [p for p in error.validator_value if p not in error.instance]
        parts += [p for p in missing if error.message.startswith(repr(p))][:1]
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)
