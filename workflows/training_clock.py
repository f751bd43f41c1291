"""The training clock (培训模式): a server started with ``BPM_CLOCK=simulated`` runs on real time
plus an offset that an administrator moves forward, so a trainer can show a 30WD review running
late in a minute: advancing the clock runs the jobs that have come due (timers, reminders,
escalations), as the job worker would have run them.

The offset lives in one database row, so every web worker and the job worker agree on the
time; each process reads it at most once per ``CACHE_SECONDS`` (and at once after its own
change). The entry point decides whether the clock is simulated (never by default, and not on
a production database unless explicitly allowed); the use cases here only act when it is.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import create_engine, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from workflows.access import require_admin
from workflows.clock import format_moment
from workflows.errors import FieldError, InvalidInput, NotFound
from workflows.jobs import executor
from workflows.persistence import audit
from workflows.persistence.database import UnitOfWork, configure_engine
from workflows.persistence.models import TrainingClock

log = logging.getLogger(__name__)
CACHE_SECONDS = 2.0
# The furthest one advance may move the clock (ten years): a typo must not jump a century.
MAX_ADVANCE = timedelta(days=3660)


class SimulatedClock:
    """``base`` time plus the stored offset."""

    def __init__(self, base, database_url: str):
        self.base = base
        self._url = database_url
        self._engine = None
        self._lock = threading.Lock()
        self._offset, self._read_at = 0.0, None

    def now(self) -> datetime:
        return self.base.now() + timedelta(seconds=self.offset())

    def offset(self) -> float:
        with self._lock:
            if self._read_at is None or time.monotonic() - self._read_at > CACHE_SECONDS:
                self._offset, self._read_at = self._read_offset(), time.monotonic()
            return self._offset

    def remember(self, offset: float) -> None:
        """This process changed the offset: use it at once."""
        with self._lock:
            self._offset, self._read_at = offset, time.monotonic()

    def _read_offset(self) -> float:
        # Its own connection, outside any unit of work: the clock is read anywhere.
        if self._engine is None:
            self._engine = create_engine(self._url, poolclass=NullPool)
            configure_engine(self._engine)
        try:
            with self._engine.connect() as connection:
                stored = connection.scalar(select(TrainingClock.offset_seconds).where(TrainingClock.id == 1))
        except SQLAlchemyError:
            log.warning("cannot read the training clock's offset; keeping %s s", self._offset, exc_info=True)
            return self._offset
        return float(stored or 0.0)


@dataclass
class ClockView:
    now: datetime
    offset_seconds: float
    real_now: datetime
    jobs_run: int = 0


def is_simulated_clock(clock) -> bool:
    return isinstance(clock, SimulatedClock)


def is_simulated(config) -> bool:
    return is_simulated_clock(config.clock)


def banner_moment(config) -> datetime | None:
    """The simulated time every page shows in training mode; None on a real clock."""
    return config.clock.now() if is_simulated(config) else None


def _simulated(config, actor) -> SimulatedClock:
    if not is_simulated(config):
        raise NotFound("the clock is not simulated (start the server with BPM_CLOCK=simulated)")
    require_admin(actor, "may see or move the training clock")
    return config.clock


def get_clock(config, actor) -> ClockView:
    clock = _simulated(config, actor)
    offset = clock.offset()
    return ClockView(clock.base.now() + timedelta(seconds=offset), offset, clock.base.now())


def advance_clock(config, actor, days: int | None = None, until: datetime | None = None) -> ClockView:
    """Move the simulated time forward by ``days`` calendar days or to ``until``, then run every
    job that has come due (each in its own transaction, as the worker does)."""
    clock = _simulated(config, actor)
    with UnitOfWork(config.sessions) as uow:
        row = uow.session.scalars(
            select(TrainingClock).where(TrainingClock.id == 1).with_for_update()
        ).first()
        offset = row.offset_seconds if row is not None else 0.0
        before = clock.base.now() + timedelta(seconds=offset)
        step = _step(before, days, until)
        if row is None:
            row = TrainingClock(id=1, offset_seconds=0.0, updated_at=before, updated_by=actor.name)
            uow.session.add(row)
        row.offset_seconds = offset + step.total_seconds()
        row.updated_at, row.updated_by = clock.base.now(), actor.name
        audit.record(
            uow,
            actor,
            "clock_advanced",
            before + step,
            None,
            **{"from": format_moment(before)},
            to=format_moment(before + step),
        )
        uow.commit()
        clock.remember(row.offset_seconds)
    ran = executor.run_due_jobs(config)
    view = get_clock(config, actor)
    view.jobs_run = ran
    return view


def _step(before: datetime, days: int | None, until: datetime | None) -> timedelta:
    if (days is None) == (until is None):
        raise InvalidInput("give either days or until", [FieldError("", "days or until, not both")])
    step = timedelta(days=days) if days is not None else until - before
    pointer = "/days" if days is not None else "/until"
    if step <= timedelta(0):
        raise InvalidInput("the training clock only moves forward", [FieldError(pointer, "must lie ahead")])
    if step > MAX_ADVANCE:
        raise InvalidInput("at most ten years at a time", [FieldError(pointer, "at most 3660 days ahead")])
    return step
