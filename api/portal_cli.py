"""Command line of the portal integration: ``flask --app wsgi portal register|item|items``."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from workflows.errors import EngineError
from workflows.portal.clients import list_service_items, register_client, set_service_item

portal = AppGroup("portal", help="E-government portal clients and service items.")


@portal.command("register")
@click.argument("name")
@click.option("--webhook", help="URL the bureau posts the portal's events to (omit to poll only).")
def register(name, webhook):
    """Register portal NAME; prints its client id and secret (the secret is shown only now)."""
    config = current_app.extensions["engine_config"]
    client_id, secret = _or_exit(lambda: register_client(config, name, webhook))
    click.echo(f"client id: {client_id}")
    click.echo(f"secret:    {secret}")


@portal.command("item")
@click.argument("code")
@click.argument("process_key")
@click.option("--name", required=True, help="The service item's name (事项名称).")
@click.option(
    "--step",
    "steps",
    multiple=True,
    metavar="ROLE=ELEMENT",
    help="acceptance, supplements, rectification or decision = BPMN element id (repeatable; "
    "the shipped processes have defaults).",
)
@click.option("--decision-prefix", help="Prefix of decision document numbers (决定书文号).")
def item(code, process_key, name, steps, decision_prefix):
    """Map service item CODE (事项编码) to PROCESS_KEY, or update the mapping."""
    config = current_app.extensions["engine_config"]
    parsed = dict(step.split("=", 1) for step in steps if "=" in step) if steps else None
    saved = _or_exit(lambda: set_service_item(config, code, process_key, name, parsed, decision_prefix))
    click.echo(f"{saved.code} -> {saved.process_key} ({saved.name})")


@portal.command("items")
def items():
    """List the service item codes the portal may submit."""
    for row in list_service_items(current_app.extensions["engine_config"]):
        state = "" if row.active else " (inactive)"
        click.echo(f"{row.code}  {row.process_key}  {row.name}{state}")


def _or_exit(action):
    try:
        return action()
    except EngineError as exc:
        raise click.ClickException(exc.detail) from exc
