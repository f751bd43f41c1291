"""The task page: the case in brief, the task's form rendered on the server, its actions."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from workflows.errors import InvalidInput

from . import session as web_session
from . import usecases
from .form_fields import attach_errors, form_fields
from .form_input import edit_rows, read_form
from .form_messages import field_messages

blp = Blueprint("tasks", __name__, url_prefix="/ui/tasks")


@blp.route("/<task_id>")
def task(task_id):
    """A task: its case, its form prefilled from the case data, and what I may do with it."""
    detail, actions = usecases.get_task(task_id)
    schema = detail.form_schema or {}
    values = {k: v for k, v in detail.data.items() if k in (schema.get("properties") or {})}
    return _page(detail, actions, values, [])


@blp.route("/<task_id>", methods=["POST"])
def submit(task_id):
    """Complete the task with the form; an "add/remove row" button only redraws the form."""
    detail, actions = usecases.get_task(task_id)
    schema = detail.form_schema or {"type": "object", "properties": {}}
    if request.form.get("_add") or request.form.get("_remove"):
        values = edit_rows(read_form(schema, request.form, detail.data, keep_empty_rows=True), request.form)
        return _page(detail, actions, values, [])
    values = read_form(schema, request.form, detail.data)
    try:
        usecases.complete_task(task_id, values)
    except InvalidInput as exc:
        return _page(detail, actions, values, exc.errors or [], exc.detail), 422
    flash(_("Submitted: %(step)s of %(case)s.", step=detail.task.name, case=detail.task.business_key or ""))
    return redirect(url_for("web.inbox.inbox"))


@blp.route("/<task_id>/claim", methods=["POST"])
def claim(task_id):
    """Take the task from the group's pool (签收)."""
    usecases.claim_task(task_id)
    return redirect(url_for("web.tasks.task", task_id=task_id))


@blp.route("/<task_id>/release", methods=["POST"])
def release(task_id):
    """Put a claimed task back into the group's pool."""
    usecases.release_task(task_id)
    return redirect(url_for("web.tasks.task", task_id=task_id))


def _page(detail, actions, values, errors, problem: str | None = None):
    fields = form_fields(detail.form_schema or {}, detail.ui_schema, values, web_session.locale())
    unplaced = attach_errors(fields, field_messages(errors, fields))
    if problem and not errors:
        unplaced.append(problem)
    title = _form_title(detail)
    return render_template(
        "task.html",
        detail=detail,
        task=detail.task,
        actions=actions,
        fields=fields,
        unplaced=unplaced,
        form_title=title,
        party=_party(detail.data),
        return_targets=usecases.return_targets(detail.task.id) if "complete" in actions else [],
        processes=usecases.process_names(),
        offer=usecases.task_offer(detail.task),
    )


def _form_title(detail) -> str:
    ui = (detail.ui_schema or {}).get("ui:i18n", {}).get("en", {})
    if web_session.locale() == "en" and ui.get("title"):
        return ui["title"]
    return (detail.form_schema or {}).get("title") or detail.task.name


def _party(data: dict) -> str | None:
    for key in ("applicant", "suspect"):
        if isinstance(data.get(key), dict) and data[key].get("name"):
            return data[key]["name"]
    return None
