"""Errors of the pages' JSON endpoints as problem documents, like the API's, not as pages."""

from __future__ import annotations

from functools import wraps

from workflows.errors import EngineError

from ..errors import engine_error_problem, problem


def json_problems(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except EngineError as exc:
            return engine_error_problem(exc)

    return wrapped


def bad_request(detail: str, **extra):
    return problem(400, "Malformed request", detail, **extra)
