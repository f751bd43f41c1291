"""The administrators' pages: incidents and cases in error with retry, dead-lettered portal
events with redelivery, holiday years with upload, the registries with CSV import."""

from __future__ import annotations

import io
import json

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from workflows.errors import InvalidInput

from . import usecases

blp = Blueprint("admin", __name__, url_prefix="/ui/admin")
LIST_SIZE = 100
REGISTRIES = {"people": "people", "institutions": "institutions", "check-items": "check_items"}


@blp.before_request
def administrators_only():
    usecases.require_admin()


@blp.route("/incidents")
def incidents():
    """Failed jobs and cases stopped in error, each with a retry."""
    return render_template(
        "admin/incidents.html", incidents=usecases.incidents(), cases=usecases.cases_in_error(LIST_SIZE)
    )


@blp.route("/incidents/<int:job_id>/retry", methods=["POST"])
def retry_incident(job_id):
    """Queue an incident's job again."""
    usecases.retry_incident(job_id)
    flash(_("Incident %(id)s queued again.", id=job_id))
    return redirect(url_for("web.admin.incidents"))


@blp.route("/cases/<instance_id>/retry", methods=["POST"])
def retry_case(instance_id):
    """Run a case's failed step again, optionally with corrected variables (a JSON object)."""
    try:
        variables = json.loads(request.form.get("variables") or "{}")
    except ValueError:
        variables = None
    if not isinstance(variables, dict):
        flash(_('The corrected variables must be a JSON object, e.g. {"divisor": 5}.'))
        return redirect(url_for("web.admin.incidents"))
    view = usecases.retry_case(instance_id, variables)
    flash(
        _("Case %(case)s retried: now %(status)s.", case=view.business_key or instance_id, status=view.status)
    )
    return redirect(url_for("web.admin.incidents"))


@blp.route("/outbox")
def outbox():
    """Portal events whose delivery gave up (dead letters)."""
    return render_template("admin/outbox.html", events=usecases.dead_letters(LIST_SIZE))


@blp.route("/outbox/<int:outbox_id>/redeliver", methods=["POST"])
def redeliver(outbox_id):
    """Send a dead-lettered event again (the case's later events follow)."""
    usecases.redeliver(outbox_id)
    flash(_("Event %(id)s queued for delivery again.", id=outbox_id))
    return redirect(url_for("web.admin.outbox"))


@blp.route("/calendar", methods=["GET", "POST"])
def calendar():
    """Holiday years loaded, and the upload of a year's schedule (JSON, as `flask calendar load`)."""
    problems = []
    if request.method == "POST":
        problems = _load_calendar(request.files.get("file"))
        if not problems:
            return redirect(url_for("web.admin.calendar"))
    status = 422 if problems else 200
    return render_template("admin/calendar.html", years=usecases.holiday_years(), problems=problems), status


def _load_calendar(upload) -> list[str]:
    try:
        content = json.loads(upload.read().decode("utf-8-sig")) if upload else None
    except (UnicodeDecodeError, ValueError):
        content = None
    if not isinstance(content, dict | list):
        return [_("Upload a JSON file with one year's schedule or a list of them.")]
    try:
        result = usecases.load_holidays(content if isinstance(content, list) else [content])
    except InvalidInput as exc:
        return [f"{e.pointer}: {e.message}" for e in exc.errors] or [exc.detail]
    flash(_("Loaded %(years)s.", years=", ".join(map(str, result["years"]))))
    return []


@blp.route("/registries/<kind>", methods=["GET", "POST"])
def registry(kind):
    """A registry's records, and a CSV import that lists the problems by line."""
    if kind not in REGISTRIES:
        return render_template("error.html", status=404), 404
    problems = []
    if request.method == "POST" and request.files.get("file"):
        upload = request.files["file"]
        stream = io.TextIOWrapper(upload.stream, encoding="utf-8-sig", newline="")
        counts, problems = usecases.import_registry_csv(kind, stream, upload.filename or "upload.csv")
        if counts:
            flash(_("Imported %(rows)s rows: %(created)s created, %(updated)s updated.", **counts))
            return redirect(url_for("web.admin.registry", kind=kind))
    records, total = usecases.registry_records(REGISTRIES[kind], LIST_SIZE)
    page = render_template(
        "admin/registry.html", kind=kind, kinds=REGISTRIES, records=records, total=total, problems=problems
    )
    return page, 422 if problems else 200
