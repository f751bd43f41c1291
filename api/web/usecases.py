"""The use cases the pages call, with the request's engine configuration and actor.

Every call from a page into ``workflows`` goes through here, so the pages never build a
query or reach the database themselves, and a change of the use cases' signatures is
made in this one module.
"""

from __future__ import annotations

from flask import current_app, g

from workflows import deployments, instances, notifications, tasks, users, worklists
from workflows.access import is_admin, may_oversee_tasks
from workflows.draws import records as draw_records


def config():
    return current_app.extensions["engine_config"]


def actor():
    return g.actor


def log_in(name: str, password: str) -> users.Login:
    return users.log_in(config(), name, password)


def session_actor(user_id: int, session_version: int) -> users.Actor | None:
    return users.session_actor(config(), user_id, session_version)


def navigation(who) -> dict:
    """What the page frame shows ``who``: the tabs their groups reach and the unread count."""
    return {
        "oversee": may_oversee_tasks(who),
        "admin": is_admin(who),
        "unread": notifications.unread_count(config(), who),
    }


def process_names() -> dict[str, str]:
    """Each deployed process's name by key (its latest version's)."""
    return {d.key: d.name or d.key for d in deployments.list_definitions()}


def inbox(filters: dict, sort: str, after: str | None, limit: int) -> worklists.Page:
    return worklists.inbox(config(), actor(), {**filters, "mine": True}, sort, after, limit)


def inbox_steps() -> list[tuple[str, str, str]]:
    return worklists.inbox_steps(config(), actor())


def done_tasks(after: str | None, limit: int) -> worklists.Page:
    return worklists.done_tasks(config(), actor(), after, limit)


def started_cases(after: str | None, limit: int) -> worklists.Page:
    return worklists.started_cases(config(), actor(), after, limit)


def notifications_page(page: int, limit: int):
    """A page of notices, newest first; showing the first page marks them all seen."""
    items, total = notifications.list_notifications(actor(), page, limit)
    seen = _seen_before(items)
    if page == 1 and items:
        notifications.mark_notifications_seen(config(), actor(), items[0].id)
    return items, total, seen


def _seen_before(items) -> int:
    return notifications.seen_up_to(config(), actor()) if items else 0


def now():
    return config().clock.now()


def get_task(task_id: str) -> tuple[tasks.TaskDetail, frozenset[str]]:
    """The task with its form and data, and the actions the actor may take on it."""
    detail = tasks.get_task(config(), actor(), task_id)
    return detail, tasks.allowed_actions(actor(), detail.task)


def claim_task(task_id: str):
    return tasks.claim_task(config(), actor(), task_id)


def release_task(task_id: str):
    return tasks.unclaim_task(config(), actor(), task_id)


def complete_task(task_id: str, data: dict):
    return tasks.complete_task(config(), actor(), task_id, data)


def case_tracking(instance_id: str) -> dict:
    """What the case page shows: the case, its steps, its audit trail and the draws I may read."""
    view = instances.get_instance(config(), actor(), instance_id)
    return {
        "case": view,
        "steps": instances.instance_tasks(config(), actor(), instance_id),
        "history": instances.instance_history(actor(), instance_id),
        "draws": draw_records.case_draws(actor(), view.business_key),
    }
