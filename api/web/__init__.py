"""The staff workbench: server-rendered pages over the same use cases as the API.

Pages live at ``/`` and under ``/ui``. They authenticate with the session cookie
(``session``), check a CSRF token on every form, send strict security headers
(``security``) and speak Chinese (zh-CN) by default, English on request. Each page route
loads its arguments, calls a use case through ``usecases`` and renders a template; htmx,
when built into ``static/dist``, only makes the same links and forms faster.
"""

from __future__ import annotations

import os

from flask import Blueprint
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

from . import (
    account,
    admin,
    bundles,
    case_admin_pages,
    case_diagram,
    cases,
    formatting,
    inbox,
    oversight,
    return_pages,
    security,
    session,
    studio,
    task_operations,
    task_pages,
)

HERE = os.path.dirname(__file__)
web = Blueprint(
    "web", __name__, template_folder="templates", static_folder="static", static_url_path="/ui/static"
)
web.before_request(session.load_actor)
web.before_request(bundles.load_pages_with_bundles_in_full)
web.after_request(security.add_headers)
web.context_processor(session.page_context)
web.context_processor(bundles.page_context)
web.context_processor(case_admin_pages.page_context)
web.register_error_handler(Exception, session.error_page)
web.add_url_rule("/", "home", session.home)
for _child in (account.blp, inbox.blp, task_pages.blp, cases.blp, oversight.blp, admin.blp):
    web.register_blueprint(_child)
for _child in (case_diagram.blp, studio.blp, task_operations.blp, return_pages.blp, case_admin_pages.blp):
    web.register_blueprint(_child)
csrf = CSRFProtect()


def init_app(app) -> None:
    app.config.update(
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=None,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(app.config["BPM_SESSION_COOKIE_SECURE"]),
        PERMANENT_SESSION_LIFETIME=session.LIFETIME,
    )
    app.extensions["web_has_htmx"] = has_htmx()
    formatting.init_app(app)
    csrf.init_app(app)
    Babel(
        app,
        locale_selector=session.locale,
        default_locale=session.DEFAULT_LOCALE,
        default_translation_directories=os.path.join(HERE, "translations"),
    )
    app.register_blueprint(web)


def has_htmx() -> bool:
    return os.path.exists(os.path.join(HERE, "static", "dist", "htmx.min.js"))
