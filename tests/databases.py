"""Every test gets a database of its own, copied from a template built once per test session.

Building each test's database the slow way (create every table, then deploy every shipped
diagram through the API, parsing and checking each BPMN file again) cost most of the suite's
time. Instead the first test that needs a kind of database builds it once, as a template:

- ``schema``: every table, empty (``Base.metadata.create_all``, no Flask involved);
- ``deployed``: the schema plus the shipped diagrams and forms, deployed the way the
  ``deployed`` fixture deploys them (its builder lives in ``tests/conftest.py``, which knows
  the API).

A builder fills the database at the URL it is given and returns what the tests need to know
about it (the deployment's answer, the tokens it issued); that JSON is stored beside the
template and read afresh for every copy, so a test may change what it gets.

Each test then gets a copy: on SQLite a copy of the template file, on PostgreSQL
``CREATE DATABASE ... TEMPLATE``. A copy belongs to its test alone: it lives in the test's
temporary folder (SQLite) or is dropped at teardown (PostgreSQL). Two things keep a copy
whole. The SQLite template leaves WAL mode once built (``journal_mode=DELETE`` checkpoints the
log and removes the ``-wal`` and ``-shm`` files), so the one file is the whole database; the
engine's connection settings switch each copy back to WAL when the test connects. PostgreSQL
copies only a database nobody is connected to, so builders dispose of their engines and the
copy waits briefly for closing connections to go.

Templates live in the session's temporary folder (PostgreSQL: databases named
``bpm_tmpl_...``, dropped at the end) and are rebuilt on every run, so they always match the
code under test.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

from workflows.persistence import models  # noqa: F401  (every table on the metadata)
from workflows.persistence.database import Base

# A builder fills the (empty) database at the URL it is given and returns what to keep beside it.
Builder = Callable[[str], dict]


def create_schema(url: str) -> dict:
    """Every table of the engine, empty."""
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    return {}


@dataclass(frozen=True)
class TestDatabase:
    """One test's database: where it is, the template it was copied from, and what the
    template's builder reported (a fresh copy per test)."""

    __test__ = False  # not a test class, whatever pytest's name patterns say

    url: str
    template: str
    extras: dict


class _Templates:
    """Templates of one test session, built on first use by the named builder."""

    def __init__(self, folder: Path, builders: dict[str, Builder]):
        self.folder, self.builders = folder, builders
        self._built: set[str] = set()

    def copy(self, template: str, test_folder: Path) -> TestDatabase:
        """A new database for one test, holding what ``template`` holds."""
        if template not in self._built:
            extras = self.builders[template](self._build_url(template))
            self._seal(template)
            (self.folder / f"{template}.json").write_text(json.dumps(extras))
            self._built.add(template)
        extras = json.loads((self.folder / f"{template}.json").read_text())
        return TestDatabase(self._copy(template, test_folder), template, extras)

    def drop(self, database: TestDatabase) -> None:
        """Remove a test's database (nothing to do where it lives in the test's folder)."""

    def _build_url(self, template: str) -> str:
        raise NotImplementedError

    def _seal(self, template: str) -> None:
        raise NotImplementedError

    def _copy(self, template: str, test_folder: Path) -> str:
        raise NotImplementedError


class SQLiteTemplates(_Templates):
    """Template files in ``folder``; each test's copy is ``test.sqlite`` in its own folder."""

    def _path(self, template: str) -> Path:
        return self.folder / f"{template}.sqlite"

    def _build_url(self, template: str) -> str:
        return f"sqlite:///{self._path(template)}"

    def _seal(self, template: str) -> None:
        connection = sqlite3.connect(self._path(template))
        try:
            connection.execute("PRAGMA journal_mode=DELETE")
        finally:
            connection.close()
        leftovers = [p.name for p in self.folder.glob(f"{template}.sqlite-*")]
        assert not leftovers, f"the template still has {leftovers}; a builder left a connection open"

    def _copy(self, template: str, test_folder: Path) -> str:
        target = test_folder / "test.sqlite"
        shutil.copyfile(self._path(template), target)
        return f"sqlite:///{target}"


class PostgresTemplates(_Templates):
    """Template databases on the server at ``server_url``; each test's copy is a new database."""

    def __init__(self, server_url: URL, folder: Path, builders: dict[str, Builder]):
        super().__init__(folder, builders)
        self.server_url = server_url
        self.run_id = uuid.uuid4().hex[:8]
        self._admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
        self._templates: list[str] = []

    def _name(self, template: str) -> str:
        return f"bpm_tmpl_{template}_{self.run_id}"

    def _url(self, name: str) -> str:
        return self.server_url.set(database=name).render_as_string(hide_password=False)

    def _execute(self, sql: str) -> None:
        with self._admin.connect() as connection:
            connection.execute(text(sql))

    def _build_url(self, template: str) -> str:
        name = self._name(template)
        self._execute(f'CREATE DATABASE "{name}"')
        self._templates.append(name)
        return self._url(name)

    def _seal(self, template: str) -> None:
        """Nothing to do: the builder closed its connections."""

    def _copy(self, template: str, test_folder: Path) -> str:
        name = f"bpm_test_{uuid.uuid4().hex[:12]}"
        for attempt in range(50):
            try:
                self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self._name(template)}"')
                break
            except OperationalError as exc:  # a builder's connection is still closing
                if "being accessed by other users" not in str(exc) or attempt == 49:
                    raise
                time.sleep(0.1)
        return self._url(name)

    def drop(self, database: TestDatabase) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{make_url(database.url).database}" WITH (FORCE)')

    def close(self) -> None:
        for name in self._templates:
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._admin.dispose()
