"""Return (退回) a task from its page, withdraw (撤回) a completed one from the done list or
the case page."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _

from . import usecases

blp = Blueprint("returns", __name__, url_prefix="/ui/tasks")


@blp.route("/<task_id>/return", methods=["POST"])
def return_task(task_id):
    """Send the task back to the chosen earlier step, with the reason given."""
    outcome = usecases.return_task(task_id, request.form.get("target", ""), request.form.get("reason", ""))
    steps = "、".join(sorted({t.name for t in outcome.reopened}))
    flash(_("Returned to %(step)s of %(case)s.", step=steps, case=outcome.task.business_key or ""))
    return redirect(url_for("web.inbox.inbox"))


@blp.route("/<task_id>/withdraw", methods=["POST"])
def withdraw(task_id):
    """Take back a task I completed: it opens again for me, as I left it."""
    outcome = usecases.withdraw_task(task_id)
    flash(_("Withdrawn: %(step)s of %(case)s.", step=outcome.task.name, case=outcome.task.business_key or ""))
    return redirect(url_for("web.tasks.task", task_id=task_id))
