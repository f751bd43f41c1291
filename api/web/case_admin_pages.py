"""Pages of Step 8's case administration: remind (催办) and copy (抄送) on the case page, the
administrators' repair page (move, variables, migrate), bulk migration with a dry run, and the
training clock (培训模式) with the banner every page shows in that mode."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from workflows.errors import EngineError

from ..case_admin.report_routes import report_csv
from . import usecases

blp = Blueprint("case_admin", __name__, url_prefix="/ui")


def page_context() -> dict:
    """The training clock's time for the banner (None on a real clock), and whether the reader
    administers cases (the repair forms, the clock link)."""
    return {
        "training_clock_now": usecases.training_clock_now(),
        "may_administer_cases": g.get("actor") is not None and usecases.may_administer(),
    }


def _back(instance_id: str):
    return redirect(url_for("web.cases.case", instance_id=instance_id))


def _flash_error(exc: EngineError) -> None:
    flash(_("Not done: %(detail)s", detail=exc.detail))


@blp.route("/cases/<instance_id>/remind", methods=["POST"])
def remind(instance_id):
    """Remind (催办) whoever holds the case's open tasks."""
    try:
        sent = usecases.remind(instance_id, request.form.get("message") or None)
        flash(_("Reminder sent to %(who)s.", who=", ".join(sent.recipients)))
    except EngineError as exc:
        _flash_error(exc)
    return _back(instance_id)


@blp.route("/cases/<instance_id>/copies", methods=["POST"])
def copy(instance_id):
    """Copy (抄送) the case to the named staff."""
    users = [u.strip() for u in (request.form.get("users") or "").replace("，", ",").split(",") if u.strip()]
    try:
        sent = usecases.copy_case(instance_id, users, request.form.get("message") or None)
        flash(_("Copied to %(who)s.", who=", ".join(sent.recipients)))
    except EngineError as exc:
        _flash_error(exc)
    return _back(instance_id)


@blp.route("/admin/cases/<instance_id>/repair", methods=["POST"])
def repair(instance_id):
    """Move the token, edit variables or migrate the case (administrators)."""
    form = request.form
    try:
        if form.get("action") == "move":
            usecases.move_token(
                instance_id, form.get("to", ""), form.get("reason", ""), form.get("from") or None
            )
        elif form.get("action") == "variables":
            set_ = json.loads(form.get("set") or "{}")
            unset = [n.strip() for n in (form.get("unset") or "").split(",") if n.strip()]
            usecases.edit_variables(
                instance_id, set_ if isinstance(set_, dict) else {}, unset, form.get("reason", "")
            )
        elif form.get("action") == "migrate":
            usecases.migrate_instance(instance_id, int(form.get("version") or 0))
        flash(_("The case was changed."))
    except ValueError:
        flash(_('The variables must be a JSON object, e.g. {"divisor": 5}.'))
    except EngineError as exc:
        _flash_error(exc)
    return _back(instance_id)


@blp.route("/admin/migrations", methods=["GET", "POST"])
def migrations():
    """Bulk migration of one version's cases: a dry-run table first, then the migration."""
    usecases.require_admin()
    args = request.form if request.method == "POST" else request.args
    key, results = args.get("key", ""), None
    try:
        if key:
            versions = int(args.get("from_version") or 0), int(args.get("to_version") or 0)
            results = usecases.migrate_definition(key, *versions, dry_run=request.method != "POST")
    except (ValueError, EngineError) as exc:
        flash(_("Not done: %(detail)s", detail=getattr(exc, "detail", str(exc))))
    return render_template(
        "case_admin/migrations.html", args=args, results=results, done=request.method == "POST"
    )


@blp.route("/admin/clock", methods=["GET", "POST"])
def clock():
    """The training clock: the simulated time and a form to move it forward."""
    usecases.require_admin()
    if request.method == "POST":
        try:
            moved = usecases.advance_clock(int(request.form.get("days") or 0))
            flash(_("The clock moved forward; %(n)s due jobs ran.", n=moved.jobs_run))
        except (ValueError, EngineError) as exc:
            flash(_("Not done: %(detail)s", detail=getattr(exc, "detail", str(exc))))
        return redirect(url_for("web.case_admin.clock"))
    return render_template("case_admin/clock.html", clock=usecases.clock())


@blp.route("/reports/cases.csv")
def case_report():
    """The case report as CSV (UTF-8 with BOM, for Excel)."""
    return Response(
        report_csv(usecases.case_report()),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="case-report.csv"'},
    )
