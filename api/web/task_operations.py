"""The task operations' forms on the task, case and inbox pages: transfer (转办), delegate
(委派), add and remove signers (加签/减签), comment (意见) and supervisors' bulk actions."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _

from workflows.errors import InvalidInput

from . import usecases

blp = Blueprint("task_operations", __name__, url_prefix="/ui")


@blp.route("/tasks/<task_id>/transfer", methods=["POST"])
def transfer(task_id):
    """Give the task to a colleague who may do it."""
    task = _act(task_id, lambda: usecases.transfer_task(task_id, _field("to"), _field("reason") or None))
    if task is not None:
        flash(_("Transferred to %(who)s.", who=task.assignee))
    return redirect(url_for("web.inbox.inbox") if task is not None else _back(task_id))


@blp.route("/tasks/<task_id>/delegate", methods=["POST"])
def delegate(task_id):
    """Let a colleague answer the task; it comes back to me to confirm."""
    task = _act(task_id, lambda: usecases.delegate_task(task_id, _field("to")))
    if task is not None:
        flash(_("Delegated to %(who)s; it comes back to you when they have answered.", who=task.assignee))
    return redirect(_back(task_id))


@blp.route("/tasks/<task_id>/signers", methods=["POST"])
def add_signers(task_id):
    """Add signers before, after or beside me."""
    names = [n.strip() for n in _field("users").replace("，", ",").split(",") if n.strip()]
    added = _act(task_id, lambda: usecases.add_signers(task_id, names, _field("position")))
    if added is not None:
        flash(_("Signers added: %(names)s.", names="、".join(t.assignee for t in added)))
    return redirect(_back(task_id))


@blp.route("/tasks/<task_id>/signers/<user>/remove", methods=["POST"])
def remove_signer(task_id, user):
    """Remove an added signer who has not signed yet."""
    if _act(task_id, lambda: usecases.remove_signer(task_id, user)) is not None:
        flash(_("Signer removed: %(who)s.", who=user))
    return redirect(_back(task_id))


@blp.route("/cases/<instance_id>/comments", methods=["POST"])
def comment(instance_id):
    """Comment on the case at its current step."""
    try:
        usecases.add_comment(instance_id, _field("text"))
        flash(_("Comment recorded."))
    except InvalidInput as exc:
        flash(exc.detail, "error")
    return redirect(request.form.get("next") or url_for("web.cases.case", instance_id=instance_id))


@blp.route("/tasks/bulk", methods=["POST"])
def bulk():
    """Claim or transfer the ticked tasks, each on its own (supervisors)."""
    items = usecases.bulk_operate(_field("operation"), request.form.getlist("task_ids"), _field("to") or None)
    done = sum(1 for i in items if i.error is None)
    flash(_("%(done)d of %(all)d tasks done.", done=done, all=len(items)))
    for item in items:
        if item.error is not None:
            flash(f"{item.task_id}: {item.error.detail}", "error")
    return redirect(url_for("web.inbox.inbox"))


def _field(name: str) -> str:
    return (request.form.get(name) or "").strip()


def _act(task_id: str, call):
    """Run ``call``; invalid input is shown on the task page instead of an error page."""
    try:
        return call()
    except InvalidInput as exc:
        flash(exc.detail, "error")
        return None


def _back(task_id: str) -> str:
    return url_for("web.tasks.task", task_id=task_id)
