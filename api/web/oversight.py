"""Placeholder."""

from flask import Blueprint, render_template

blp = Blueprint("oversight", __name__, url_prefix="/ui/oversight")


@blp.route("")
def overdue():
    return render_template("error.html", status=404)
