"""Command-line entry points: ``flask --app wsgi users|deploy ...``."""

from __future__ import annotations

import json
import signal
import threading
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from workflows import jobs as job_executor
from workflows.deployments import deploy_definitions
from workflows.errors import EngineError
from workflows.registries import create_record, list_records
from workflows.schedules import load_schedules
from workflows.users import Actor, create_user_token

from . import portal_cli, registry_cli

DEMO_USERS = {
    "clerk1": ["clerk"],
    "applicant1": ["applicant"],
    "center1": ["review_center"],
    "approver1": ["approver"],
    "leader1": ["team_leader"],
    "expert1": ["reviewer"],
    "inspector1": ["inspector"],
    "inspector2": ["inspector"],
    "officer1": ["case_officer"],
    "officer2": ["case_officer"],
    "head1": ["bureau_head"],
    "transport1": ["partner_dept", "dept_transport"],
    "supervisor1": ["supervisor"],
    "designer1": ["designer"],
    "admin1": ["admin"],
}
# The demo users who are also in the people pools, so draws find them.
DEMO_POOL = [
    {
        "name": "王组长",
        "kind": "reviewer",
        "username": "leader1",
        "can_lead": True,
        "fields": ["食品", "环境监测"],
    },
    {"name": "李专家", "kind": "expert", "username": "expert1", "fields": ["食品", "环境监测"]},
    {"name": "张检查", "kind": "inspector", "username": "inspector1", "fields": []},
    {"name": "刘检查", "kind": "inspector", "username": "inspector2", "fields": []},
]
SETUP_ACTOR = Actor("setup", frozenset({"designer"}), kind="system")
ADMIN_ACTOR = Actor("setup", frozenset({"admin"}), kind="system")

users = AppGroup("users", help="Manage staff users and their API tokens.")


@users.command("create")
@click.argument("name")
@click.option("--group", "groups", multiple=True, help="Group to add the user to (repeatable).")
def create_user(name, groups):
    """Create NAME (or add groups to it) and print a new API token."""
    click.echo(_or_exit(lambda: create_user_token(name, list(groups))))


@users.command("demo")
def demo_users():
    """Create one demo user per group (and demo reviewers and inspectors) and print their tokens."""
    click.echo("Demo users (send as 'Authorization: Bearer <token>'):")
    for name, groups in DEMO_USERS.items():
        token = _or_exit(lambda n=name, g=groups: create_user_token(n, g))
        click.echo(f"  {name:<12} {','.join(groups):<28} {token}")
    config = current_app.extensions["engine_config"]
    for person in DEMO_POOL:
        known, _ = list_records(ADMIN_ACTOR, "people", {"username": person["username"]}, 1, 1)
        if not known:
            _or_exit(
                lambda p=person: create_record(config, ADMIN_ACTOR, "people", {**p, "district": "和平区"})
            )


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
    counts = f"{result['tasks_recomputed']} tasks, {result['instances_recomputed']} cases"
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
    app.cli.add_command(registry_cli.registry)
    app.cli.add_command(portal_cli.portal)
