"""The use cases the pages call, with the request's engine configuration and actor.

Every call from a page into ``workflows`` goes through here, so the pages never build a
query or reach the database themselves, and a change of the use cases' signatures is
made in this one module.
"""

from __future__ import annotations

from flask import current_app, g

from workflows import (
    access,
    case_administration,
    case_repair,
    deployments,
    diagrams,
    holidays,
    instances,
    migration,
    notifications,
    reminders,
    reports,
    studio,
    tasks,
    training_clock,
    users,
    worklists,
)
from workflows import dashboard as dashboard_figures
from workflows.draws import records as draw_records
from workflows.jobs import executor as job_executor
from workflows.operations import assignment, available, bulk, comments, returns, signers
from workflows.portal import delivery
from workflows.registries import records as registry_records_module

from .. import registry_cli


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
        "oversee": access.may_oversee_tasks(who),
        "admin": access.is_admin(who),
        "studio": access.may_deploy(who),
        "unread": notifications.unread_count(config(), who),
    }


def process_names() -> dict[str, str]:
    """Each deployed process's name by key (its latest version's)."""
    return {d.key: d.name or d.key for d in deployments.list_definitions(config())}


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
    items, total = notifications.list_notifications(config(), actor(), page, limit)
    seen = _seen_before(items)
    if page == 1 and items:
        notifications.mark_notifications_seen(config(), actor(), items[0].id)
    return items, total, seen


def _seen_before(items) -> int:
    return notifications.seen_up_to(config(), actor()) if items else 0


def now():
    return config().clock.now()


def get_task(task_id: str) -> tuple[tasks.TaskDetail, frozenset[str]]:
    """The task with its form and data, and the actions the actor may take on it (an added
    signer's task answers the signers' form)."""
    detail = tasks.get_task(config(), actor(), task_id)
    if detail.task.kind == signers.SIGNER:
        detail.form_schema = signers.ANSWER_SCHEMA
    return detail, tasks.allowed_actions(actor(), detail.task)


def task_offer(task) -> available.Offer:
    """The task operations (transfer, delegate, signers, comment) the page may offer."""
    return available.offered_operations(config(), actor(), task)


def transfer_task(task_id: str, to: str, reason: str | None):
    return assignment.transfer_task(config(), actor(), task_id, to, reason)


def delegate_task(task_id: str, to: str):
    return assignment.delegate_task(config(), actor(), task_id, to)


def add_signers(task_id: str, users_: list[str], position: str):
    return signers.add_signers(config(), actor(), task_id, users_, position)


def remove_signer(task_id: str, user: str):
    return signers.remove_signer(config(), actor(), task_id, user)


def add_comment(instance_id: str, text: str):
    return comments.add_comment(config(), actor(), instance_id, text)


def case_comments(instance_id: str):
    return comments.case_comments(config(), actor(), instance_id)


def bulk_operate(operation: str, task_ids: list[str], to: str | None):
    return bulk.bulk_operate(config(), actor(), operation, task_ids, to=to)


def claim_task(task_id: str):
    return tasks.claim_task(config(), actor(), task_id)


def release_task(task_id: str):
    return tasks.unclaim_task(config(), actor(), task_id)


def complete_task(task_id: str, data: dict):
    return tasks.complete_task(config(), actor(), task_id, data)


def return_targets(task_id: str) -> list:
    """The steps the actor may return the task to (退回); none when they may not return it."""
    return returns.offered_return_targets(config(), actor(), task_id)


def return_task(task_id: str, target: str, reason: str):
    return returns.return_task(config(), actor(), task_id, target, reason)


def withdraw_task(task_id: str):
    return returns.withdraw_task(config(), actor(), task_id)


def withdrawable(task_ids: list[str]) -> set[str]:
    """Which of these completed tasks the actor may still take back (撤回)."""
    return returns.withdrawable(config(), actor(), task_ids)


def case_tracking(instance_id: str) -> dict:
    """What the case page shows: the case, its steps, its audit trail and the draws I may read."""
    view = instances.get_instance(config(), actor(), instance_id)
    return {
        "case": view,
        "steps": instances.instance_tasks(config(), actor(), instance_id),
        "history": instances.instance_history(config(), actor(), instance_id),
        "draws": draw_records.case_draws(config(), actor(), view.business_key),
    }


def oversight_list(level: str, limit: int) -> worklists.Page:
    """The bureau's open tasks at ``level`` (supervisors see every one), due first."""
    return worklists.overdue_tasks(config(), actor(), level, limit)


def dashboard() -> dashboard_figures.Dashboard:
    return dashboard_figures.dashboard(config(), actor())


def require_admin() -> None:
    access.require_admin(actor(), "use the administration pages")


def incidents():
    return job_executor.list_incidents(config(), actor())


def retry_incident(job_id: int):
    return job_executor.retry_incident(config(), actor(), job_id)


def cases_in_error(limit: int):
    items, _ = instances.list_instances(config(), actor(), {"status": "error"}, 1, limit)
    return items


def retry_case(instance_id: str, variables: dict):
    return case_administration.retry_instance(config(), actor(), instance_id, variables)


def dead_letters(limit: int):
    items, _ = delivery.list_outbox(config(), actor(), {"state": "dead"}, 1, limit)
    return items


def redeliver(outbox_id: int):
    return delivery.redeliver(config(), actor(), outbox_id)


def holiday_years():
    return holidays.list_years(config())


def load_holidays(documents: list[dict]) -> dict:
    return holidays.load_schedules(config(), actor(), documents, origin="ui")


def registry_records(name: str, limit: int):
    return registry_records_module.list_records(config(), actor(), name, {}, 1, limit)


def import_registry_csv(kind: str, stream, file_name: str) -> tuple[dict | None, list[str]]:
    return registry_cli.import_csv(config(), actor(), kind, stream, file_name)


def case_diagram(instance_id: str) -> diagrams.CaseDiagram:
    return diagrams.case_diagram(config(), actor(), instance_id)


def studio_versions() -> list[studio.VersionSummary]:
    return studio.list_versions(config(), actor())


def studio_source(key: str, version: int) -> studio.VersionSource:
    return studio.version_source(config(), actor(), key, version)


def validate_version(key: str, version: int, xml: str, forms: dict) -> deployments.Validation:
    return studio.validate_version(config(), actor(), key, version, xml, forms)


def deploy_version(key: str, version: int, xml: str, forms: dict):
    return studio.deploy_version(config(), actor(), key, version, xml, forms)


def compare_versions(key: str, old: int, new: int) -> studio.Comparison:
    return studio.compare_versions(config(), actor(), key, old, new)


def require_designer() -> None:
    studio.require_designer(actor())


# Case administration, reminders, copies and the training clock (Step 8).


def training_clock_now():
    """The simulated time for the banner of every page; None on a real clock."""
    return training_clock.banner_moment(config())


def clock():
    return training_clock.get_clock(config(), actor())


def advance_clock(days: int):
    return training_clock.advance_clock(config(), actor(), days=days)


def remind(instance_id: str, message: str | None):
    return reminders.remind(config(), actor(), instance_id, message)


def copy_case(instance_id: str, users: list[str], message: str | None):
    return reminders.copy_case(config(), actor(), instance_id, users, message)


def move_token(instance_id: str, to: str, reason: str, source: str | None):
    return case_repair.move_token(config(), actor(), instance_id, to, reason, source)


def edit_variables(instance_id: str, set_: dict, unset: list[str], reason: str):
    return case_repair.edit_variables(config(), actor(), instance_id, set_, unset, reason)


def migrate_instance(instance_id: str, version: int):
    return migration.migrate_instance(config(), actor(), instance_id, version)


def migrate_definition(key: str, from_version: int, to_version: int, dry_run: bool):
    return migration.migrate_definition(config(), actor(), key, from_version, to_version, dry_run)


def case_report():
    return reports.case_report(config(), actor())


def may_administer() -> bool:
    return access.is_admin(actor())
