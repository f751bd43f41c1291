"""``flask --app wsgi registry import {people|conflicts|institutions|check-items} FILE.csv``.

Files are UTF-8 CSV with a header row naming the columns of the registry API;
list columns (``fields``, ``inspector_fields``) separate values with ``;``.
Empty cells are not given: a new record takes the default, an existing one keeps
its value. Every row is checked before anything is written; one bad row refuses
the whole file, with the line numbers.
"""

from __future__ import annotations

import csv
from pathlib import Path

import click
import marshmallow as ma
from flask import current_app
from flask.cli import AppGroup

from workflows.access import ADMIN
from workflows.errors import EngineError, InvalidInput
from workflows.registries.csv_import import import_registry, row_problems
from workflows.users import Actor

from .registries.schemas import (
    CheckItemCreateSchema,
    ConflictImportSchema,
    InstitutionCreateSchema,
    PersonCreateSchema,
)

_LISTS = {"fields", "inspector_fields"}
_REQUIREMENTS = {
    "min_inspectors": "min_inspectors",
    "inspector_fields": "fields",
    "inspector_department": "department",
    "inspector_district": "district",
}


SCHEMAS = {
    "people": ("people", PersonCreateSchema),
    "conflicts": ("conflicts", ConflictImportSchema),
    "institutions": ("institutions", InstitutionCreateSchema),
    "check-items": ("check_items", CheckItemCreateSchema),
}

registry = AppGroup("registry", help="Registries: people pools, institutions, check items.")


@registry.command("import")
@click.argument("kind", type=click.Choice(list(SCHEMAS)))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--by", "by", default="registry-import", help="Who imports (recorded in the audit trail).")
def import_file(kind, file, by):
    """Create or update records from FILE; nothing is imported if any row is invalid."""
    actor = Actor(by, frozenset({ADMIN}), kind="system")
    config = current_app.extensions["engine_config"]
    with file.open(encoding="utf-8-sig", newline="") as stream:
        try:
            counts, problems = import_csv(config, actor, kind, stream, file.name)
        except EngineError as exc:
            raise click.ClickException(exc.detail) from exc
    if problems:
        raise click.ClickException(_refusal(file, problems))
    click.echo(
        f"{file.name}: {counts['rows']} rows, {counts['created']} created, {counts['updated']} updated"
    )


def import_csv(config, actor, kind: str, stream, file_name: str) -> tuple[dict | None, list[str]]:
    """Import a CSV text stream into the registry ``kind``: the counts, or None and every problem
    found, each starting with its line number (also the administration page's upload)."""
    name, schema = SCHEMAS[kind]
    rows, problems = read_rows(stream, schema())
    problems += [
        _line_problem(e.pointer, e.message)
        for e in row_problems(current_app.extensions["engine_config"], name, rows)
    ]
    if problems:
        return None, sorted(problems, key=_line_number)
    try:
        return import_registry(config, actor, name, rows, file_name), []
    except InvalidInput as exc:
        return None, [_line_problem(e.pointer, e.message) for e in exc.errors] or [exc.detail]


def read_rows(stream, schema: ma.Schema) -> tuple[list[tuple[int, dict]], list[str]]:
    """Rows loaded by the API schema with their first line numbers, and every problem found."""
    rows, problems = [], []
    reader = csv.DictReader(stream)
    known = set(schema.fields) | set(_REQUIREMENTS)
    unknown = [c for c in reader.fieldnames or [] if c not in known]
    if unknown:
        return [], [f"line 1: unknown column(s): {', '.join(unknown)}"]
    line = reader.line_num + 1
    for raw in reader:
        if any((cell or "").strip() for cell in raw.pop(None, [])):
            problems.append(f"line {line}: more cells than header columns")
        try:
            rows.append((line, schema.load(_cells(raw))))
        except ma.ValidationError as exc:
            problems += [f"line {line}: {column}: {message}" for column, message in _messages(exc.messages)]
        line = reader.line_num + 1
    return rows, problems


def _cells(raw: dict) -> dict:
    values, requirements = {}, {}
    for column, cell in raw.items():
        text = (cell or "").strip()
        if not text:
            continue
        value = [v.strip() for v in text.split(";") if v.strip()] if column in _LISTS else text
        if column in _REQUIREMENTS:
            requirements[_REQUIREMENTS[column]] = value
        else:
            values[column] = value
    if requirements:
        values["inspector_requirements"] = requirements
    return values


def _messages(messages, prefix: str = ""):
    if isinstance(messages, dict):
        for key, inner in messages.items():
            yield from _messages(inner, f"{prefix}/{key}" if prefix else str(key))
    else:
        for message in messages if isinstance(messages, list) else [messages]:
            yield prefix, message


def _line_problem(pointer: str, message: str) -> str:
    _, line, *column = pointer.split("/")
    return f"line {line}: {'/'.join(column) or '(row)'}: {message}"


def _line_number(problem: str) -> int:
    return int(problem.split(":")[0].removeprefix("line "))


def _refusal(file: Path, problems: list[str]) -> str:
    return "\n".join([f"{file.name} was not imported ({len(problems)} problem(s)):", *problems])
