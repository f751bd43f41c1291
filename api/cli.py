"""Command-line entry points: ``flask --app wsgi users|deploy|jobs|audit ...``."""

from __future__ import annotations

import json
import signal
import threading
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from workflows.access import ADMIN, DESIGNER
from workflows.audit_trail import verify_audit_chain
from workflows.deployments import deploy_definitions
from workflows.errors import EngineError
from workflows.holidays import load_schedules
from workflows.jobs import executor as job_executor
from workflows.retention import ensure_purge_job
from workflows.users import Actor, create_user_token, set_password

from . import backup_cli, demo, portal_cli, registry_cli

SETUP_ACTOR = Actor("setup", frozenset({DESIGNER}), kind="system")
ADMIN_ACTOR = Actor("setup", frozenset({ADMIN}), kind="system")

users = AppGroup("users", help="Manage staff users and their API tokens.")


@users.command("create")
@click.argument("name")
@click.option("--group", "groups", multiple=True, help="Group to add the user to (repeatable).")
@click.option("--institution", help="An applicant's institution: its unified social credit code.")
def create_user(name, groups, institution):
    """Create NAME (or add groups to it) and print a new API token."""
    click.echo(
        _or_exit(
            lambda: create_user_token(
                current_app.extensions["engine_config"], name, list(groups), institution
            )
        )
    )


@users.command("set-password")
@click.argument("name")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def set_user_password(name, password):
    """Set NAME's password for the web UI (asked for unless --password is given)."""
    _or_exit(lambda: set_password(current_app.extensions["engine_config"], name, password))
    click.echo(f"password set for {name}")


@users.command("demo")
def demo_users():
    """Create the demo users (printing their passwords and tokens), pools, institutions and check items."""
    config = current_app.extensions["engine_config"]
    click.echo("Demo users: log in at / with the password, or send 'Authorization: Bearer <token>':")
    for name, groups, password, token in _or_exit(lambda: demo.create_demo_users(config)):
        click.echo(f"  {name:<12} {','.join(groups):<28} {password:<18} {token}")
    created = _or_exit(lambda: demo.create_demo_records(config))
    click.echo("Demo records created: " + ", ".join(f"{n} {name}" for name, n in created.items()))


@click.command("deploy")
@with_appcontext
@click.argument("paths", nargs=-1, type=click.Path(exists=True, file_okay=False, path_type=Path))
def deploy(paths):
    """Deploy every .bpmn/.dmn file and form under PATHS (e.g. bpmn forms)."""
    files = []
    for root in paths:
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in (".bpmn", ".dmn", ".json"):
                files.append((path.relative_to(root).as_posix(), path.read_bytes()))
    config = current_app.extensions["engine_config"]
    for process in _or_exit(lambda: deploy_definitions(config, SETUP_ACTOR, files)):
        state = "new version" if process.changed else "unchanged"
        click.echo(f"{process.key} v{process.version} ({state})")
        for warning in process.warnings:
            click.echo(f"  warning: {warning['element']}: {warning['detail']}")


calendar = AppGroup("calendar", help="Working-day calendar data.")


@calendar.command("load")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
def load_calendar(files):
    """Load holiday schedules (JSON: one year or a list) and recompute affected dates."""
    documents = []
    for path in files:
        content = json.loads(path.read_text(encoding="utf-8"))
        documents.extend(content if isinstance(content, list) else [content])
    config = current_app.extensions["engine_config"]
    result = _or_exit(lambda: load_schedules(config, ADMIN_ACTOR, documents, origin="cli"))
    years = ", ".join(map(str, result["years"]))
    counts = (
        f"{result['tasks_recomputed']} tasks, {result['instances_recomputed']} cases, "
        f"{result['timers_recomputed']} timers"
    )
    click.echo(f"loaded {years}; recomputed {counts}")


jobs = AppGroup("jobs", help="The job executor.")


@jobs.command("run")
@click.option("--once", is_flag=True, help="Run the jobs due now, then exit.")
def run_jobs(once):
    """Run a worker: fire due timers and other jobs until stopped (Ctrl-C / SIGTERM).

    A signal sets ``stop``: the job running finishes (diagram code within its time limit),
    the worker takes no other, and exits.
    """
    config = current_app.extensions["engine_config"]
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        if once:
            click.echo(f"ran {job_executor.run_due_jobs(config, stop=stop)} jobs")
        else:
            job_executor.work(config, stop, current_app.config["BPM_WORKER_POLL_SECONDS"])
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


audit = AppGroup("audit", help="The audit trail.")


@audit.command("verify")
def verify_audit():
    """Check the audit trail's hash chain; names the first broken record (exit code 1)."""
    result = verify_audit_chain(current_app.extensions["engine_config"])
    if result["ok"]:
        click.echo(f"OK: {result['count']} audit records, chain intact")
        return
    broken = result["broken"]
    click.echo(
        f"BROKEN at audit record id={broken['id']} seq={broken['seq']}: {broken['reason']} "
        f"({result['count']} records before it are intact)",
        err=True,
    )
    raise SystemExit(1)


@jobs.command("schedule-purge")
def schedule_purge():
    """Queue the purge job (retention of outbox events and nonces) unless it is queued already.

    Migration 0013 queues it; the job then re-queues itself. This brings it back if it was removed.
    """
    ensure_purge_job(current_app.extensions["engine_config"])
    click.echo("purge job queued")


def _or_exit(action):
    try:
        return action()
    except EngineError as exc:
        raise click.ClickException(exc.detail) from exc


def init_app(app) -> None:
    app.cli.add_command(users)
    app.cli.add_command(deploy)
    app.cli.add_command(calendar)
    app.cli.add_command(jobs)
    app.cli.add_command(audit)
    app.cli.add_command(registry_cli.registry)
    app.cli.add_command(portal_cli.portal)
    app.cli.add_command(backup_cli.backup)
