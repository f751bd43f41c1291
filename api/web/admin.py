"""Placeholder."""

from flask import Blueprint, render_template

blp = Blueprint("admin", __name__, url_prefix="/ui/admin")


@blp.route("/incidents")
def incidents():
    return render_template("error.html", status=404)
