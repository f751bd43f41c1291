"""Metadata conventions, engines and the unit of work.

Every use case opens one ``UnitOfWork`` over the session factory its entry point supplies
(``config.sessions``: the app factory gives Flask-SQLAlchemy's request-scoped session, the
engine's own tests a scoped session of their own), does its reads and writes through
``uow.session`` and calls ``uow.commit()`` once at the end. Leaving the block without
committing rolls everything back, so nothing is ever half-written. Steps that other use cases
share take the caller's unit of work (``tasks.complete_task_in``, ``instances.create_instance``);
opening a second one on the same session while one is open is refused, since its commit or
rollback would end the first one's transaction half-way.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import JSON, MetaData, create_engine, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker
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
# Engine options every entry point uses: how JSON columns are written.
ENGINE_OPTIONS = {"json_serializer": dumps_for_storage}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


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


def session_factory(url: str) -> scoped_session:
    """A thread-scoped session factory over a new engine for ``url``, for entry points
    without a host framework (the engine's own tests, scripts)."""
    engine = create_engine(url, **ENGINE_OPTIONS)
    configure_engine(engine)
    return scoped_session(sessionmaker(bind=engine))


_CONCURRENCY_ERRORS = (IntegrityError, StaleDataError, OperationalError)
SessionFactory = Callable[[], Session]


class UnitOfWork:
    """One database transaction around one use case (cosmicpython's pattern).

    Constraint violations and lost races, wherever they surface (an autoflush, the
    commit), leave the block as one domain error: ``Conflict``. Work that must happen
    just before the commit (numbering the outbox, queueing deliveries) is registered on
    the unit of work with ``before_commit`` and runs inside the same transaction.
    """

    def __init__(self, sessions: SessionFactory):
        if sessions is None:
            raise TypeError("UnitOfWork needs the session factory its entry point supplies")
        self.session = sessions()
        self._committed = False
        self.info: dict = {}  # what hooks collect during this unit of work
        self._before_commit: dict[str, Callable[[UnitOfWork], None]] = {}

    def __enter__(self) -> UnitOfWork:
        if self.session.info.get("unit_of_work") is not None:
            # Its rollback or commit would end the open one's transaction half-way.
            raise RuntimeError("a unit of work is already open on this session; pass it down instead")
        self.session.info["unit_of_work"] = self
        return self

    def __exit__(self, exc_type, exc, tb):
        self.session.info.pop("unit_of_work", None)
        if not self._committed:
            self.session.rollback()
        self._before_commit.clear()
        self.info.clear()
        if isinstance(exc, _CONCURRENCY_ERRORS):
            translated = _as_conflict(exc)
            if translated is not exc:
                raise translated from exc
        return False

    @property
    def is_postgres(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    def before_commit(self, key: str, hook: Callable[[UnitOfWork], None]) -> None:
        """Run ``hook(uow)`` once, just before this unit of work commits (``key`` dedups)."""
        self._before_commit.setdefault(key, hook)

    def flush(self) -> None:
        self.session.flush()

    def commit(self) -> None:
        while self._before_commit:
            key = next(iter(self._before_commit))
            self._before_commit.pop(key)(self)
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
