"""The supervisors' pages (督办): overdue and warning tasks across the bureau, the dashboard."""

from __future__ import annotations

from flask import Blueprint, render_template

from . import usecases
from .charts import bar_chart

blp = Blueprint("oversight", __name__, url_prefix="/ui/oversight")
LIST_SIZE = 100


@blp.route("")
def overdue():
    """Every overdue (报警) and warning (预警) task of the bureau, the most urgent first."""
    return render_template(
        "oversight.html",
        alarm=usecases.oversight_list("alarm", LIST_SIZE),
        warning=usecases.oversight_list("warning", LIST_SIZE),
        processes=usecases.process_names(),
    )


@blp.route("/dashboard")
def dashboard():
    """Charts: open tasks per step, on-time rate and average days per step, overdue per district."""
    figures = usecases.dashboard()
    names = usecases.process_names()

    def step_label(figure):
        return f"{names.get(figure.process_key, figure.process_key)} · {figure.label}"

    charts = {
        "open": bar_chart(figures.open_by_step, labels=step_label),
        "on_time": bar_chart(figures.on_time_rate_by_step, "%", scale_to=100, labels=step_label),
        "days": bar_chart(figures.average_days_by_step, labels=step_label),
        "districts": bar_chart(figures.overdue_by_district),
    }
    return render_template("dashboard.html", charts=charts)
