"""Bearer-token authentication of staff for every API route not marked public; the portal
routes (``/api/v1/portal``) take signed portal requests instead, and only those."""

from __future__ import annotations

from flask import current_app, g, request

from workflows.errors import Unauthenticated
from workflows.users import authenticate

from .portal import auth as portal_auth

_PUBLIC_BLUEPRINTS = {"api-docs", "docs_assets"}
# The web UI's pages (``/`` and ``/ui``) authenticate with their session cookie (``api.web.session``).
_OWN_AUTH_BLUEPRINTS = {"web"}


def public(view):
    """Mark a view as reachable without a token (health checks, documentation)."""
    view.is_public = True
    return view


def _authenticate() -> None:
    view = current_app.view_functions.get(request.endpoint)
    if view is None or getattr(view, "is_public", False) or request.blueprint in _PUBLIC_BLUEPRINTS:
        return
    if _OWN_AUTH_BLUEPRINTS & set(request.blueprints):
        return
    if portal_auth.is_portal_path(request.path):
        portal_auth.authenticate_portal()
        return
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    actor = (
        authenticate(current_app.extensions["engine_config"], token.strip())
        if scheme.lower() == "bearer"
        else None
    )
    if actor is None:
        raise Unauthenticated("send a valid API token as 'Authorization: Bearer <token>'")
    g.actor = actor


def init_app(app, api) -> None:
    app.before_request(_authenticate)
    app.after_request(portal_auth.spend_unused_nonce)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.spec.options["security"] = [{"bearerAuth": []}]
    api.spec.components.security_scheme(
        "portalSignature",
        {
            "type": "apiKey",
            "in": "header",
            "name": "X-Signature",
            "description": "HMAC-SHA256 signed request with X-Client-Id, X-Timestamp and X-Nonce",
        },
    )
