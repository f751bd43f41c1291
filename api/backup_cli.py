"""``flask --app wsgi backup create|restore FILE``: a consistent copy of the database, online.

SQLite (the embedded default): SQLite's online backup API copies the database page by page
while the server and the job worker keep writing; the copy is one consistent snapshot (every
transaction committed before it finished, none half-written). PostgreSQL: ``pg_dump`` in its
custom format, which is one transaction's snapshot as well, and ``pg_restore`` into an empty
database. Restoring replaces the whole database: stop the servers and workers first.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy.engine import make_url

from .database import db

backup = AppGroup("backup", help="Back up the database, or restore a backup (servers stopped).")


@backup.command("create")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def create_backup(file: Path):
    """Write a consistent copy of the database to FILE while the service runs."""
    url = db.engine.url
    file.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(Path(url.database), file)
    else:
        _pg("pg_dump", "--format=custom", "--no-owner", f"--file={file}", _libpq_url(url))
    click.echo(f"backup written to {file} ({file.stat().st_size:,} bytes)")


@backup.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Confirm that the current database is to be replaced.")
def restore_backup(file: Path, yes: bool):
    """Replace the database with the backup in FILE (stop servers and job workers first)."""
    if not yes:
        raise click.ClickException("restoring replaces the whole database: stop the service, then add --yes")
    url = db.engine.url
    db.engine.dispose()
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(file, Path(url.database))
    else:
        _pg("pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={_libpq_url(url)}", str(file))
    click.echo(f"database restored from {file}")


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy ``source`` into ``target`` with SQLite's online backup API (a consistent snapshot)."""
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    with sqlite3.connect(target) as copy:
        (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
    if verdict != "ok":
        raise click.ClickException(f"the copy in {target} fails SQLite's integrity check: {verdict}")


def _libpq_url(url) -> str:
    """The URL as libpq tools read it (no ``+psycopg`` driver suffix)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _pg(tool: str, *args: str) -> None:
    if shutil.which(tool) is None:
        raise click.ClickException(f"{tool} is not installed (Debian: postgresql-client)")
    finished = subprocess.run([tool, *args], capture_output=True, text=True)
    if finished.returncode != 0:
        raise click.ClickException(f"{tool} failed: {finished.stderr.strip()[:500]}")
