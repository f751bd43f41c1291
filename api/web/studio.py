"""The designers' studio (流程设计): deployed versions, the modeler with server validation and
deployment, a live preview of a task form, and the comparison of two versions.

Only process designers reach these pages; the use cases refuse everyone else as well.
"""

from __future__ import annotations

import json
from itertools import groupby

from flask import Blueprint, Response, jsonify, make_response, render_template, request, url_for

from workflows.errors import NotPermitted

from ..errors import engine_error_problem
from . import security, usecases
from . import session as web_session
from .form_fields import form_fields
from .problems import bad_request, json_problems

blp = Blueprint("studio", __name__, url_prefix="/ui/studio")
# The properties panel writes two fixed style attributes on its containers; the modeler's page
# allows exactly those two (by hash) and no other inline style.
PANEL_STYLES = (
    "'sha256-nR5hyLltSjfvi2rqC26RbcredWrJvTaPA1yqPX96jpY='",  # height: 100%
    "'sha256-LIWyuNLBDBQuKJLr4mOx2cFEzHX9lM0BrbfcAAzCvSU='",  # flex: none; height: auto
)
MODELER_CSP = f"{security.CSP}; style-src-attr 'unsafe-hashes' {' '.join(PANEL_STYLES)}"


JSON_ENDPOINTS = {"web.studio.xml", "web.studio.validate", "web.studio.deploy"}


@blp.before_request
def designers_only():
    try:
        usecases.require_designer()
    except NotPermitted as exc:
        if request.endpoint in JSON_ENDPOINTS:
            return engine_error_problem(exc)
        raise
    return None


@blp.route("")
def versions():
    """Every process with its versions, deployment times and running cases."""
    found = usecases.studio_versions()
    processes = [(key, list(rows)) for key, rows in groupby(found, key=lambda v: v.key)]
    return render_template("studio/versions.html", processes=processes)


@blp.route("/<key>/<int:version>")
def modeler(key, version):
    """A version in the modeler, with its forms in the JSON editor."""
    source = usecases.studio_source(key, version)
    page = render_template("studio/modeler.html", source=source, forms=_form_texts(source.forms))
    response = make_response(page)
    response.headers["Content-Security-Policy"] = MODELER_CSP
    return response


@blp.route("/<key>/<int:version>/xml")
@json_problems
def xml(key, version):
    """The version's BPMN XML (the modeler and the comparison load it)."""
    return Response(usecases.studio_source(key, version).xml, mimetype="application/xml")


@blp.route("/<key>/<int:version>/validate", methods=["POST"])
@json_problems
def validate(key, version):
    """Check the edited diagram and forms as a deployment would, without deploying."""
    body = _edited()
    if isinstance(body, Response):
        return body
    result = usecases.validate_version(key, version, *body)
    return jsonify(ok=result.ok, problems=result.problems)


@blp.route("/<key>/<int:version>/deploy", methods=["POST"])
@json_problems
def deploy(key, version):
    """Deploy the edited diagram and forms as the process's next version."""
    body = _edited()
    if isinstance(body, Response):
        return body
    deployed = usecases.deploy_version(key, version, *body)
    return jsonify(processes=[_deployed(p, key, version) for p in deployed]), 201


@blp.route("/forms/preview", methods=["POST"])
def preview():
    """A task form as the task page will render it, from the JSON editor's schema and UI schema."""
    problems, schema, ui_schema = [], {}, None
    for name, text in (("schema", request.form.get("schema")), ("ui_schema", request.form.get("ui_schema"))):
        try:
            value = json.loads(text) if (text or "").strip() else None
        except ValueError as exc:
            problems.append(f"{name}: {exc}")
            continue
        if value is not None and not isinstance(value, dict):
            problems.append(f"{name}: not a JSON object")
        elif name == "schema":
            schema = value or {}
        else:
            ui_schema = value
    fields = form_fields(schema, ui_schema, {}, web_session.locale()) if not problems else []
    template = "studio/form_preview.html" if request.headers.get("HX-Request") else "studio/preview_page.html"
    return render_template(template, fields=fields, problems=problems, title=schema.get("title"))


@blp.route("/<key>/diff")
def diff(key):
    """Two versions side by side: added, removed and changed elements, and the running cases
    of the older one that wait at a changed or removed element."""
    new = request.args.get("new", type=int)
    old = request.args.get("old", type=int) or ((new or 2) - 1)
    new = new or old + 1
    comparison = usecases.compare_versions(key, old, new)
    return render_template("studio/diff.html", c=comparison, old=old, new=new)


def _edited():
    """The edited XML and forms ({name: {schema, ui_schema}} as JSON text) from the request."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("xml"), str):
        return bad_request("send a JSON object with the diagram's XML in 'xml'", pointer="/xml")
    forms = body.get("forms") or {}
    valid = isinstance(forms, dict) and all(
        isinstance(v, dict) and all(isinstance(t, str) for t in v.values()) for v in forms.values()
    )
    if not valid:
        return bad_request("'forms' maps form file names to {schema, ui_schema} JSON texts", pointer="/forms")
    return body["xml"], forms


def _deployed(process, key: str, version: int) -> dict:
    return {
        "key": process.key,
        "version": process.version,
        "changed": process.changed,
        "warnings": process.warnings,
        "url": url_for(".modeler", key=process.key, version=process.version),
        "diff_url": url_for(".diff", key=key, old=version, new=process.version)
        if process.key == key
        else None,
    }


def _form_texts(forms) -> list[dict]:
    return [
        {
            "name": f.name,
            "schema": json.dumps(f.schema, ensure_ascii=False, indent=2),
            "ui_schema": json.dumps(f.ui_schema, ensure_ascii=False, indent=2) if f.ui_schema else "",
        }
        for f in forms
    ]
