"""Liveness check and the locally served assets of the API documentation page."""

from flask import Blueprint, current_app, jsonify, send_from_directory
from swagger_ui_bundle import swagger_ui_path

from workflows.health import database_answers

from .auth import public
from .errors import problem

blp = Blueprint("health", __name__)
docs_assets = Blueprint("docs_assets", __name__)


@blp.route("/healthz")
@blp.route("/api/v1/healthz")
@public
def healthz():
    """200 when the database answers, 503 otherwise (no authentication)."""
    if database_answers(current_app.extensions["engine_config"]):
        return jsonify(status="ok")
    return problem(503, "Service Unavailable", "the database does not answer")


@docs_assets.route("/api/docs/assets/<path:filename>")
@public
def asset(filename):
    return send_from_directory(swagger_ui_path, filename)
