"""Logging in and out, and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, session, url_for

from workflows.errors import Unauthenticated

from . import session as web_session
from . import usecases

blp = Blueprint("account", __name__, url_prefix="/ui")


def _safe_next(target: str | None) -> str:
    """Only a path of this site: never another host (an open redirect)."""
    parts = urlsplit(target or "")
    if not target or parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("web.inbox.inbox")
    return target


@blp.route("/login", methods=["GET", "POST"])
def login():
    """The login form; a wrong password counts towards the account's lock-out."""
    if request.method == "GET":
        return render_template("login.html", next=request.args.get("next", ""))
    name = request.form.get("username", "").strip()
    try:
        result = usecases.log_in(name, request.form.get("password", ""))
    except Unauthenticated as exc:
        locked = exc.extra.get("locked_until")
        page = render_template("login.html", next=request.form.get("next", ""), username=name, locked=locked)
        return page, 401
    web_session.log_in(result)
    return redirect(_safe_next(request.form.get("next")))


@blp.route("/logout", methods=["POST"])
def logout():
    """End the session."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    return redirect(url_for("web.account.login"))


@blp.route("/language", methods=["POST"])
def language():
    """Switch the pages' language (中文 / English) for this browser."""
    chosen = request.form.get("lang")
    if chosen in web_session.LOCALES:
        session["lang"] = chosen
    return redirect(_safe_next(request.form.get("next")))
