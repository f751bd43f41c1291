"""Domain errors raised by the engine; the API layer alone maps them to HTTP."""

from __future__ import annotations

from dataclasses import dataclass


class EngineError(Exception):
    """Base class of every error the engine raises on purpose."""

    title = "Engine error"

    def __init__(self, detail: str, **extra):
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFound(EngineError):
    title = "Not found"


class Conflict(EngineError):
    """The change conflicts with the current state, or the state changed meanwhile."""

    title = "Conflict"


class TooSoon(EngineError):
    """The action was taken too recently to be repeated yet; ``retry_after`` is in seconds."""

    title = "Too soon"

    def __init__(self, detail: str, retry_after: int, **extra):
        super().__init__(detail, retry_after=retry_after, **extra)
        self.retry_after = retry_after


class NotPermitted(EngineError):
    title = "Not permitted"


class Unauthenticated(EngineError):
    title = "Not authenticated"


@dataclass(frozen=True)
class FieldError:
    """One invalid value: a JSON pointer into the submitted document and a message; ``keyword``
    names the JSON Schema rule it broke (``required``, ``minLength`` ...) when one did, so a
    page can word the message in the reader's language."""

    pointer: str
    message: str
    keyword: str | None = None


class InvalidInput(EngineError):
    """Submitted data or definitions are invalid.

    ``errors`` lists field problems (JSON pointers); ``file`` and ``element`` name
    the deployment file and BPMN element at fault.
    """

    title = "Invalid input"

    def __init__(
        self,
        detail: str,
        errors: list[FieldError] | None = None,
        file: str | None = None,
        element: str | None = None,
        **extra,
    ):
        super().__init__(detail, **extra)
        self.errors = errors or []
        self.file = file
        self.element = element
