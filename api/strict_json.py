"""JSON in and out of the API, strictly: every body is parsed once, by the app's JSON provider.

Python's ``json`` reads ``NaN``, ``Infinity``, integers of any size, unpaired surrogates and
NUL characters, none of which a database column or a strict client can hold; it also writes
``NaN`` back out. Here a body breaking these rules is refused as a whole (422, one pointer per
offending value), a body that is not JSON at all is a 400, and output never contains ``NaN``.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date, datetime

import flask
from flask.json.provider import DefaultJSONProvider
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import BadRequest

from workflows.clock import format_moment
from workflows.errors import FieldError, InvalidInput

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


def loads(data: str | bytes, max_depth: int):
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
    detail = "The JSON body breaks the input rules: " + ", ".join(e.pointer or "(body)" for e in errors)
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


def _default(value):
    if isinstance(value, datetime) and value.tzinfo is not None:
        return format_moment(value)
    if isinstance(value, date):
        return value.isoformat()
    return DefaultJSONProvider.default(value)


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON provider, which also reads request bodies (``request.get_json``, and so
    webargs): strict parsing with the configured depth, no ``NaN`` on output, and date-times in
    the API's convention (``format_moment``) instead of HTTP dates."""

    ensure_ascii = False
    default = staticmethod(_default)

    def dumps(self, obj, **kwargs) -> str:
        kwargs.setdefault("allow_nan", False)
        return super().dumps(obj, **kwargs)

    def loads(self, s, **kwargs):
        return loads(s, self._app.config["BPM_MAX_JSON_DEPTH"])


class Request(flask.Request):
    """A body that is not JSON is a 400 saying where."""

    def on_json_loading_failed(self, error: ValueError | None):
        if isinstance(error, UnicodeDecodeError):
            raise BadRequest(f"The body is not UTF-8 ({error.reason} at byte {error.start}).")
        if isinstance(error, json.JSONDecodeError):
            raise BadRequest(
                f"The body is not JSON: {error.msg} at line {error.lineno} column {error.colno}."
            )
        return super().on_json_loading_failed(error)


class JsonBodyParser(FlaskParser):
    """webargs' parser reading JSON bodies through ``request.get_json``: once per request."""

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return core.missing
        return req.get_json(cache=True)
