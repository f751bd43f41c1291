"""How pages write moments, dates and durations: Beijing time, to the minute."""

from __future__ import annotations

from datetime import date, datetime

from workflows.clock import BUREAU_TZ


def moment(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(BUREAU_TZ).strftime("%Y-%m-%d %H:%M")


def day(value: datetime | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(BUREAU_TZ).date()
    return value.isoformat()


def init_app(app) -> None:
    app.add_template_filter(moment, "moment")
    app.add_template_filter(day, "day")
