"""The SQLAlchemy handle, metadata conventions and the unit of work.

Every use case opens one ``UnitOfWork``, does its reads and writes through
``uow.session`` and calls ``uow.commit()`` once at the end. Leaving the block
without committing rolls everything back, so nothing is ever half-written.
"""

from __future__ import annotations

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import JSON, MetaData, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm.exc import StaleDataError

from workflows.errors import Conflict
from workflows.inputs.json_rules import dumps_for_storage

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JSONType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base, engine_options={"json_serializer": dumps_for_storage})


def configure_engine(engine) -> None:
    """Per-connection settings: SQLite gets WAL, a busy timeout and foreign keys."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


_CONCURRENCY_ERRORS = (IntegrityError, StaleDataError, OperationalError)


class UnitOfWork:
    """One database transaction around one use case (cosmicpython's pattern).

    Constraint violations and lost races, wherever they surface (an autoflush, the
    commit), leave the block as one domain error: ``Conflict``.
    """

    def __init__(self):
        self.session = db.session
        self._committed = False

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(self, exc_type, exc, tb):
        if not self._committed:
            self.session.rollback()
        if isinstance(exc, _CONCURRENCY_ERRORS):
            translated = _as_conflict(exc)
            if translated is not exc:
                raise translated from exc
        return False

    @property
    def is_postgres(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    def flush(self) -> None:
        self.session.flush()

    def commit(self) -> None:
        self.session.commit()
        self._committed = True


def _as_conflict(exc: Exception) -> Exception:
    """Translate constraint and concurrency failures into one domain error."""
    if isinstance(exc, StaleDataError):
        return Conflict("The record was changed by someone else meanwhile; reload and retry.")
    if isinstance(exc, IntegrityError):
        return Conflict(f"The change violates a uniqueness rule: {_constraint_name(exc)}.")
    if "locked" in str(exc).lower() or "could not serialize" in str(exc).lower():
        return Conflict("The database is busy with a concurrent change; retry.")
    return exc


def _constraint_name(exc: IntegrityError) -> str:
    diag = getattr(getattr(exc, "orig", None), "diag", None)
    name = getattr(diag, "constraint_name", None)
    return name or str(exc.orig).splitlines()[0]
