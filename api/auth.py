"""Bearer-token authentication of staff for every API route not marked public."""

from __future__ import annotations

from flask import current_app, g, request

from workflows.errors import Unauthenticated
from workflows.users import authenticate

_PUBLIC_BLUEPRINTS = {"api-docs", "docs_assets"}


def public(view):
    """Mark a view as reachable without a token (health checks, documentation)."""
    view.is_public = True
    return view


def _authenticate() -> None:
    view = current_app.view_functions.get(request.endpoint)
    if view is None or getattr(view, "is_public", False) or request.blueprint in _PUBLIC_BLUEPRINTS:
        return
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    actor = authenticate(token.strip()) if scheme.lower() == "bearer" else None
    if actor is None:
        raise Unauthenticated("send a valid API token as 'Authorization: Bearer <token>'")
    g.actor = actor


def init_app(app, api) -> None:
    app.before_request(_authenticate)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.spec.options["security"] = [{"bearerAuth": []}]
