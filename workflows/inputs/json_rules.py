"""What JSON the engine accepts: the rules every document read from outside passes.

Python's ``json`` reads ``NaN``, ``Infinity``, numbers too large to be finite, integers of any
size, NUL characters and unpaired surrogates; no database column can hold these (PostgreSQL
refuses them, SQLite keeps text no strict client can read). A document breaking the rules is
refused as a whole, naming each offending value by its JSON pointer.
"""

from __future__ import annotations

import json
import math
import re

from workflows.errors import FieldError, InvalidInput

DEFAULT_MAX_DEPTH = 64
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
_MAX_ERRORS = 20
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class _Refused:
    """Stands in the parsed document for a value the rules refuse, so its pointer can be named."""

    def __init__(self, reason: str):
        self.reason = reason


def _parse_int(text: str):
    if len(text.lstrip("-")) > 19:
        return _Refused("an integer beyond the signed 64-bit range")
    value = int(text)
    return value if INT64_MIN <= value <= INT64_MAX else _Refused("an integer beyond the signed 64-bit range")


def _parse_float(text: str):
    value = float(text)
    return value if math.isfinite(value) else _Refused("a number too large to be finite")


def _parse_constant(name: str):
    return _Refused(f"{name} is not a JSON number")


def loads(data: str | bytes, max_depth: int = DEFAULT_MAX_DEPTH):
    """The JSON document in ``data``; ``ValueError`` when it is not JSON, ``InvalidInput`` when
    it is but breaks the rules (non-finite numbers, integers past 64 bits, NUL or unpaired
    surrogates in a string, nesting deeper than ``max_depth``)."""
    try:
        document = json.loads(
            data, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_parse_constant
        )
    except RecursionError:
        raise _refusal([FieldError("", f"nested deeper than {max_depth} levels")]) from None
    errors = _violations(document, max_depth)
    if errors:
        raise _refusal(errors)
    return document


def _refusal(errors: list[FieldError]) -> InvalidInput:
    detail = "The JSON document breaks the input rules: " + ", ".join(e.pointer or "(body)" for e in errors)
    return InvalidInput(detail, errors=errors)


def _violations(document, max_depth: int) -> list[FieldError]:
    """Every refused value with its JSON pointer (the first few), walking without recursion."""
    errors, stack = [], [(document, "", 1)]
    while stack and len(errors) < _MAX_ERRORS:
        value, pointer, depth = stack.pop()
        if isinstance(value, _Refused):
            errors.append(FieldError(pointer, value.reason))
        elif isinstance(value, str) and _UNSTORABLE.search(value):
            errors.append(FieldError(pointer, "contains a NUL character or an unpaired surrogate"))
        elif isinstance(value, dict | list) and depth > max_depth:
            errors.append(FieldError(pointer, f"nested deeper than {max_depth} levels"))
        elif isinstance(value, dict | list):
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, inner in items:
                child = f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}"
                if isinstance(key, str) and _UNSTORABLE.search(key):
                    errors.append(
                        FieldError(child, "the name contains a NUL character or an unpaired surrogate")
                    )
                stack.append((inner, child, depth + 1))
    return sorted(errors[:_MAX_ERRORS], key=lambda e: e.pointer)


def dumps_for_storage(value) -> str:
    """JSON for a JSON column. A number that is not finite (a script's ``1e308 * 10``) is
    stored as null: JSON has no such number, and PostgreSQL refuses the token."""
    try:
        return json.dumps(value, allow_nan=False)
    except ValueError:
        nulled = json.loads(json.dumps(value), parse_constant=lambda _: None)
        return json.dumps(nulled, allow_nan=False)
