"""The one place that maps errors to HTTP statuses and RFC 9457 problem documents."""

from __future__ import annotations

import logging
import uuid

import marshmallow as ma
from flask import Response, json, request
from werkzeug.exceptions import HTTPException

from workflows.errors import (
    Conflict,
    EngineError,
    InvalidInput,
    NotFound,
    NotPermitted,
    TooSoon,
    Unauthenticated,
)
from workflows.inputs.text import excerpt

log = logging.getLogger(__name__)
PROBLEM_JSON = "application/problem+json"
_STATUS = {
    NotFound: 404,
    Conflict: 409,
    NotPermitted: 403,
    Unauthenticated: 401,
    InvalidInput: 422,
    TooSoon: 429,
}
_DETAIL_CHARS, _MAX_ERRORS = 2000, 50
DESCRIPTIONS = {
    400: "Malformed request",
    401: "Missing or invalid credentials",
    403: "Not permitted",
    404: "Not found",
    409: "Conflict with the current state",
    422: "Invalid input",
    429: "Too soon: repeat after Retry-After seconds",
}


class FieldErrorSchema(ma.Schema):
    pointer = ma.fields.String(metadata={"description": "JSON pointer to the invalid value"})
    detail = ma.fields.String()


class ProblemSchema(ma.Schema):
    type = ma.fields.String()
    title = ma.fields.String()
    status = ma.fields.Integer()
    detail = ma.fields.String()
    instance = ma.fields.String()
    errors = ma.fields.List(ma.fields.Nested(FieldErrorSchema))
    file = ma.fields.String(metadata={"description": "deployment file at fault"})
    element = ma.fields.String(metadata={"description": "BPMN element id at fault"})


def problem(status: int, title: str, detail: str | None = None, headers=None, **extra) -> Response:
    body = {"type": "about:blank", "title": title, "status": status, "instance": excerpt(request.path, 200)}
    if detail:
        body["detail"] = excerpt(detail, _DETAIL_CHARS)
    body.update({k: v for k, v in extra.items() if v is not None})
    if body.get("errors"):
        body["errors"] = _quoted(body["errors"])
    response = Response(json.dumps(body, ensure_ascii=False), status, mimetype=PROBLEM_JSON)
    response.headers.update(headers or {})
    return response


def _quoted(errors: list[dict]) -> list[dict]:
    """The last line of defence: however large the input, a problem quotes only excerpts of it."""
    return [
        {"pointer": excerpt(e["pointer"], 200), "detail": excerpt(e["detail"], 300)}
        for e in errors[:_MAX_ERRORS]
    ]


def status_of(error: EngineError) -> int:
    """The HTTP status an engine error answers with (also per item of a bulk action)."""
    return next(code for cls, code in _STATUS.items() if isinstance(error, cls))


def engine_error_problem(error: EngineError) -> Response:
    status = status_of(error)
    extra = dict(error.extra)
    headers = {"WWW-Authenticate": _challenge()} if status == 401 else None
    if isinstance(error, TooSoon):
        headers = {"Retry-After": str(error.retry_after)}
    if isinstance(error, InvalidInput):
        extra["errors"] = [{"pointer": e.pointer, "detail": e.message} for e in error.errors] or None
        extra.update(file=error.file, element=error.element)
    return problem(status, error.title, error.detail, headers=headers, **extra)


def _challenge() -> str:
    """Portal routes take signed requests; every other route a bearer token."""
    if request.path.startswith("/api/v1/portal"):
        return 'HMAC-SHA256 realm="portal"'
    return "Bearer"


def http_exception_problem(error: HTTPException) -> Response:
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") or data.get("errors")
    errors = _flatten(messages) if isinstance(messages, dict) else None
    detail = data.get("message") or error.description
    if errors:
        detail = "The request is invalid: " + ", ".join(e["pointer"] or "(body)" for e in errors)
    title = InvalidInput.title if error.code == 422 else error.name
    return problem(error.code or 500, title, detail, headers=data.get("headers"), errors=errors)


_LOCATIONS = ("json", "query", "headers", "files", "form", "view_args")


def _flatten(messages: dict) -> list[dict]:
    """webargs' nested ``{location: {field: [messages]}}`` as pointer/detail pairs."""
    flat = []
    for location, fields in messages.items():
        if location in _LOCATIONS and isinstance(fields, dict):
            _walk(fields, "", flat)
        else:
            _walk({location: fields}, "", flat)
    return flat


def _walk(value, pointer: str, flat: list) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _walk(inner, f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}", flat)
    else:
        for message in value if isinstance(value, list) else [value]:
            flat.append({"pointer": pointer, "detail": str(message)})


def unexpected_problem(error: Exception) -> Response:
    request_id = uuid.uuid4().hex
    log.exception("unhandled error, request id %s", request_id)
    return problem(500, "Internal Server Error", "An unexpected error occurred.", request_id=request_id)


def init_app(app) -> None:
    app.register_error_handler(EngineError, engine_error_problem)
    app.register_error_handler(Exception, _any_error)
    app.wsgi_app = answer_crashes(app.wsgi_app)


def _any_error(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return http_exception_problem(error)
    return unexpected_problem(error)


def answer_crashes(wsgi_app):
    """WSGI middleware: what escapes Flask still leaves as a JSON 500 problem with a request id.

    That is an error in an error handler or teardown, or the ``SystemExit`` gunicorn raises in
    a worker it aborts at its ``--timeout`` or stops quickly: never the server's HTML page. An
    exit is raised again once the answer is written (when the server closes the response), so
    the worker still stops.
    """

    def contained(environ, start_response):
        try:
            return wsgi_app(environ, start_response)
        except BaseException as error:
            request_id = uuid.uuid4().hex
            log.exception("unhandled error outside the application, request id %s", request_id)
            document = {
                "type": "about:blank",
                "title": "Internal Server Error",
                "status": 500,
                "detail": "An unexpected error occurred.",
                "instance": environ.get("PATH_INFO", ""),
                "request_id": request_id,
            }
            body = json.dumps(document).encode()
            headers = [("Content-Type", PROBLEM_JSON), ("Content-Length", str(len(body)))]
            start_response("500 INTERNAL SERVER ERROR", headers)
            return [body] if isinstance(error, Exception) else _ThenRaise(body, error)

    return contained


class _ThenRaise:
    """A response body whose ``close()`` raises ``error`` again."""

    def __init__(self, body: bytes, error: BaseException):
        self.body, self.error = body, error

    def __iter__(self):
        return iter([self.body])

    def close(self) -> None:
        raise self.error
