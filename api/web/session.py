"""Who is looking at a page: the session cookie, the language, the page frame's context.

The signed session cookie holds only the user id, the user's session version (a password
change ends every open session) and the chosen language; the actor is loaded from the
database on each request, so a deactivated account is out at its next click.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app, g, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError, generate_csrf
from werkzeug.exceptions import HTTPException

from workflows.errors import EngineError, InvalidInput, NotFound, NotPermitted, Unauthenticated

from . import usecases

log = logging.getLogger(__name__)
DEFAULT_LOCALE = "zh_CN"
LOCALES = ("zh_CN", "en")
LIFETIME = timedelta(hours=10)
# Pages anyone may open: the login form, the language switch, static files.
PUBLIC_ENDPOINTS = {"web.account.login", "web.account.language", "web.static"}


def locale() -> str:
    chosen = session.get("lang")
    return chosen if chosen in LOCALES else DEFAULT_LOCALE


def log_in(login) -> None:
    lang = session.get("lang")
    session.clear()
    session.permanent = True
    session.update(uid=login.user_id, sv=login.session_version)
    if lang:
        session["lang"] = lang


def load_actor():
    """Check the CSRF token of every state change, then load the actor or ask to log in."""
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        current_app.extensions["csrf"].protect()
    g.actor = None
    if "uid" in session:
        g.actor = usecases.session_actor(session["uid"], session.get("sv", 0))
    if g.actor is None and request.endpoint not in PUBLIC_ENDPOINTS:
        session.pop("uid", None)
        return redirect(url_for("web.account.login", next=request.full_path.rstrip("?")))
    return None


def home():
    """The workbench starts at the inbox."""
    return redirect(url_for("web.inbox.inbox"))


def page_context() -> dict:
    actor = g.get("actor")
    return {
        "actor": actor,
        "nav": usecases.navigation(actor) if actor else None,
        "lang": locale(),
        "csrf_token": generate_csrf,
        "has_htmx": current_app.extensions.get("web_has_htmx", False),
    }


_STATUS = {NotFound: 404, NotPermitted: 403, InvalidInput: 422}


def error_page(exc):
    """Errors of a page as a page: the engine's in its words, anything unexpected as a bare 500."""
    if isinstance(exc, HTTPException) and exc.code < 400:
        return exc
    if isinstance(exc, Unauthenticated):
        return redirect(url_for("web.account.login"))
    if isinstance(exc, CSRFError):
        return render_template("error.html", status=400, kind="csrf"), 400
    if isinstance(exc, EngineError):
        status = next((code for cls, code in _STATUS.items() if isinstance(exc, cls)), 409)
        return render_template("error.html", status=status, detail=exc.detail), status
    if isinstance(exc, HTTPException):
        return render_template("error.html", status=exc.code), exc.code
    log.exception("page %s failed", request.path)
    return render_template("error.html", status=500), 500
