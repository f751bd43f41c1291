"""Portal authentication (signed requests) and the per-client rate limit of the portal routes."""

from __future__ import annotations

from urllib.parse import quote

from flask import current_app, g, request
from flask_limiter import Limiter

from workflows.portal.clients import SignedRequest, authenticate_request, spend_nonce
from workflows.portal.signing import CLIENT_ID_HEADER, NONCE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER

from .. import runtime
from .rate_limit_storage import DatabaseStorage  # noqa: F401 - limits knows storages by scheme once defined

PORTAL_PREFIX = "/api/v1/portal"
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


def is_portal_path(path: str) -> bool:
    return path == PORTAL_PREFIX or path.startswith(PORTAL_PREFIX + "/")


def signed_path() -> str:
    """The path and query string as the client sent them (percent-encoded UTF-8)."""
    path = quote(request.script_root + request.path, safe=_PATH_SAFE)
    query = request.query_string.decode("latin-1")
    return f"{path}?{query}" if query else path


def authenticate_portal() -> None:
    """Portal routes take a signed request only; a staff bearer token is not accepted there."""
    headers = request.headers
    signed = SignedRequest(
        client_id=headers.get(CLIENT_ID_HEADER, ""),
        timestamp=headers.get(TIMESTAMP_HEADER, ""),
        nonce=headers.get(NONCE_HEADER, ""),
        signature=headers.get(SIGNATURE_HEADER, ""),
        method=request.method,
        path=signed_path(),
        body=request.get_data(cache=True),
    )
    g.actor = authenticate_request(runtime.config(), signed)


def spend_unused_nonce(response):
    """A portal request that failed still uses up its nonce: its use case, which would have
    spent it with its change, rolled back (see ``workflows.portal.clients``)."""
    actor = g.get("actor")
    if response.status_code >= 400 and getattr(actor, "nonce", None) is not None:
        spend_nonce(runtime.config(), actor)
    return response


def _client_key() -> str:
    actor = g.get("actor")
    return actor.name if actor is not None else (request.remote_addr or "unknown")


def _rate_limit() -> str:
    return current_app.config["BPM_PORTAL_RATE_LIMIT"]


def init_limits(app, blueprint) -> Limiter:
    """Limit each portal client's requests; runs after authentication, so the key is the client.

    The counters live where ``BPM_PORTAL_RATE_LIMIT_STORAGE_URI`` says: ``database://`` (the
    application database, shared by every worker and node; see ``DatabaseStorage``),
    ``redis://...``, or ``memory://`` (per process).
    """
    limiter = Limiter(
        key_func=_client_key,
        storage_uri=app.config["BPM_PORTAL_RATE_LIMIT_STORAGE_URI"],
        headers_enabled=True,
        strategy="fixed-window",
    )
    limiter.limit(_rate_limit, key_func=_client_key)(blueprint)
    limiter.init_app(app)
    app.extensions["portal_limiter"] = limiter
    return limiter
