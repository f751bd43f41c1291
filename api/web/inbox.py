"""The inbox (待办) and its tabs: done (已办), started by me (我发起的), copies and reminders (抄送/催办)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Blueprint, render_template, request

from workflows.clock import BUREAU_TZ

from . import usecases

blp = Blueprint("inbox", __name__, url_prefix="/ui")
PAGE_SIZE = 25
LEVELS = ("normal", "reminder", "warning", "alarm")
DUE_CHOICES = ("overdue", "today", "week")


def inbox_filters(args) -> dict:
    """The list's filters from the query string; unknown values are ignored."""
    filters = {
        "process_key": args.get("process") or None,
        "bpmn_id": args.get("step") or None,
        "q": (args.get("q") or "").strip()[:100] or None,
        "level": args.get("level") if args.get("level") in LEVELS else None,
    }
    due = args.get("due")
    if due == "overdue":
        filters["overdue"] = True
    elif due in DUE_CHOICES:
        today = usecases.now().astimezone(BUREAU_TZ).date()
        last = today + timedelta(days=0 if due == "today" else 7)
        filters["due_before"] = datetime.combine(last + timedelta(days=1), time(), BUREAU_TZ)
    return filters


@blp.route("/inbox")
def inbox():
    """My tasks and my groups' unclaimed tasks, with their time-limit colour."""
    sort = request.args.get("sort", "due")
    page = usecases.inbox(inbox_filters(request.args), sort, request.args.get("after"), PAGE_SIZE)
    return render_template(
        "inbox.html",
        page=page,
        sort=sort,
        args=request.args,
        processes=usecases.process_names(),
        steps=usecases.inbox_steps(),
        levels=LEVELS,
    )


@blp.route("/done")
def done():
    """Tasks I completed."""
    page = usecases.done_tasks(request.args.get("after"), PAGE_SIZE)
    withdrawable = usecases.withdrawable([row.item.id for row in page.rows])
    processes = usecases.process_names()
    return render_template("done.html", page=page, processes=processes, withdrawable=withdrawable)


@blp.route("/mine")
def mine():
    """Cases I started, with where they are now."""
    page = usecases.started_cases(request.args.get("after"), PAGE_SIZE)
    return render_template("mine.html", page=page, processes=usecases.process_names())


@blp.route("/notifications")
def notifications():
    """Copies and reminders (抄送/催办) for me or my groups; opening them marks them read."""
    number = max(1, request.args.get("page", 1, type=int))
    items, total, seen = usecases.notifications_page(number, PAGE_SIZE)
    more = number * PAGE_SIZE < total
    return render_template("notifications.html", items=items, seen=seen, number=number, more=more)
