"""JSON in and out of the API: every body is parsed once, by the app's JSON provider, under
the rules of ``workflows.inputs.json_rules`` (422 with a pointer per offending value); a body that is
not JSON at all is a 400; output never contains ``NaN``."""

from __future__ import annotations

import json
from datetime import date, datetime

import flask
from flask.json.provider import DefaultJSONProvider
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import BadRequest

from workflows.clock import format_moment
from workflows.inputs.json_rules import loads


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
