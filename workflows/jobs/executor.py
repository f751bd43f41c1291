"""The job executor: workers lease due jobs, run each in its own transaction, retry with backoff.

Claiming takes row locks with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several workers on
several nodes never take the same job; the lease (owner + expiry) lets another worker take
over the job of one that died. A job runs in one unit of work with the change it makes and
is deleted in it, so its effect happens once. After the last attempt it becomes an incident.

A job that calls out over the network (a webhook) never does so inside a transaction: its
handler returns an ``AfterCommit``, the executor commits what the handler claimed, makes the
call with no transaction open, and records the outcome in a second unit of work under the
same lease. A worker dying between the call and the record leaves the job to be taken over
when its lease expires: the call is repeated (at least once), never lost.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import inspect, or_, select, update

from workflows.access import require_admin
from workflows.errors import Conflict, NotFound
from workflows.jobs.backoff import retry_delay
from workflows.persistence import audit
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import Job, ProcessInstance
from workflows.users import SYSTEM

log = logging.getLogger(__name__)
HANDLERS: dict[str, Callable] = {}


@dataclass(frozen=True)
class AfterCommit:
    """What a job does after its claim has committed: ``call()`` runs with no transaction
    open (it must use only plain values, no database rows), then ``record(uow, job, result)``
    writes its outcome in a new unit of work. The lease is held for at least ``seconds``
    more, how long ``call`` may take, so that no other worker takes the job meanwhile."""

    call: Callable[[], Any]
    record: Callable[[UnitOfWork, Job, Any], None]
    seconds: float


def register_handler(kind: str, handler: Callable) -> None:
    """Install ``handler(config, uow, job)`` for jobs of ``kind`` (called by ``workflows.wiring``).

    The handler does the job's work in ``uow``, or returns an ``AfterCommit`` for work that
    must wait until the transaction has ended.
    """
    HANDLERS[kind] = handler


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _claimable(now):
    return (
        (Job.state == "pending")
        & (Job.due_at <= now)
        & (or_(Job.lease_owner.is_(None), Job.lease_expires_at < now))
    )


def claim_due_jobs(config, owner: str, limit: int = 20) -> list[int]:
    """Lease up to ``limit`` due jobs for ``owner``; returns their ids.

    A job whose lease expired was left by a worker that died running it (or ran too long):
    that counts as a failed attempt, so a job that kills every worker taking it ends as an
    incident instead of being taken over forever.
    """
    with UnitOfWork(config.sessions) as uow:
        now = config.clock.now()
        stmt = select(Job.id).where(_claimable(now)).order_by(Job.due_at, Job.id).limit(limit)
        if uow.is_postgres:
            stmt = stmt.with_for_update(skip_locked=True)
        ids = list(uow.session.scalars(stmt))
        if not ids:
            return []
        _count_abandoned(config, uow, ids, now)
        expires = now + timedelta(seconds=config.job_lease_seconds)
        claimed = uow.session.scalars(
            update(Job)
            .where(Job.id.in_(ids), _claimable(now))
            .values(lease_owner=owner, lease_expires_at=expires, updated_at=now)
            .returning(Job.id)
            .execution_options(synchronize_session=False)
        ).all()
        uow.commit()
        return sorted(claimed)


def _count_abandoned(config, uow, ids: list[int], now) -> None:
    """Count an attempt for each job among ``ids`` whose worker left it (those past their
    last attempt become incidents, and are no longer claimable)."""
    left = uow.session.scalars(
        select(Job).where(Job.id.in_(ids), _claimable(now), Job.lease_owner.is_not(None))
    ).all()
    for job in left:
        error = f"the worker {job.lease_owner} stopped while running the job (its lease expired)"
        _count_attempt(config, uow, job, error, now, retry_now=True)
    uow.flush()


def run_job(config, owner: str, job_id: int) -> str:
    """Run one leased job: ``done``, ``failed``, or ``lost`` (the lease went to another worker).

    Whatever the handler raises, ``SystemExit`` and ``KeyboardInterrupt`` included, is the
    job's failure, not the worker's: it is recorded and the worker goes on.
    """
    try:
        with UnitOfWork(config.sessions) as uow:
            job = _leased(uow, owner, job_id)
            if job is None:
                return "lost"
            after = HANDLERS[job.kind](config, uow, job)
            if after is None:
                _finish(config, uow, job)
            else:
                _hold(config, job, after.seconds)
            uow.commit()
        return "done" if after is None else _run_after_commit(config, owner, job_id, after)
    except BaseException as exc:
        log.exception("job %s failed", job_id)
        _record_failure(config, owner, job_id, exc)
        return "failed"


def _leased(uow, owner: str, job_id: int) -> Job | None:
    return uow.session.scalars(
        select(Job).where(Job.id == job_id, Job.lease_owner == owner).with_for_update()
    ).one_or_none()


def _hold(config, job: Job, seconds: float) -> None:
    """Keep the lease for at least ``seconds`` more (the call after the commit)."""
    until = config.clock.now() + timedelta(seconds=seconds)
    if job.lease_expires_at is None or job.lease_expires_at < until:
        job.lease_expires_at = until


def _run_after_commit(config, owner: str, job_id: int, after: AfterCommit) -> str:
    """Make the job's call outside any transaction, then record its outcome and finish the
    job, if the lease is still this worker's (else the new holder repeats the call)."""
    result = after.call()
    with UnitOfWork(config.sessions) as uow:
        job = _leased(uow, owner, job_id)
        if job is None:
            return "lost"
        after.record(uow, job, result)
        _finish(config, uow, job)
        uow.commit()
    return "done"


def _finish(config, uow, job: Job) -> None:
    """Delete the job unless its handler removed or rescheduled it."""
    uow.flush()
    state = inspect(job)
    if state.deleted or state.was_deleted or state.detached:
        return
    if job.due_at > config.clock.now() and job.state == "pending":
        job.lease_owner = job.lease_expires_at = None
    else:
        uow.session.delete(job)


def _record_failure(config, owner: str, job_id: int, exc: BaseException) -> None:
    with UnitOfWork(config.sessions) as uow:
        job = uow.session.get(Job, job_id)
        if job is None or job.lease_owner != owner:
            return
        _count_attempt(config, uow, job, f"{type(exc).__name__}: {exc}", config.clock.now())
        uow.commit()


def _count_attempt(config, uow, job: Job, error: str, now, retry_now: bool = False) -> None:
    """One more failed attempt: retry (after a backoff unless ``retry_now``), or after the
    last one an incident (audited)."""
    job.attempts += 1
    job.last_error = error[:4000]
    job.lease_owner = job.lease_expires_at = None
    job.updated_at = now
    if job.attempts < config.job_max_attempts:
        if not retry_now:
            job.due_at = now + retry_delay(config.job_backoff_seconds, job.attempts)
        return
    job.state = "incident"
    instance = uow.session.get(ProcessInstance, job.instance_id) if job.instance_id else None
    audit.record(
        uow, SYSTEM, "incident_opened", now, instance, job_id=job.id, kind=job.kind, error=job.last_error
    )


def run_due_jobs(config, owner: str | None = None, limit: int = 20, stop=None) -> int:
    """Run jobs until none is due or ``stop`` is set; returns how many ran (the worker loop's
    inner step)."""
    owner = owner or worker_id()
    count = 0
    while not (stop is not None and stop.is_set()) and (ids := claim_due_jobs(config, owner, limit)):
        for job_id in ids:
            if stop is not None and stop.is_set():
                _release(config, owner, job_id)
                continue
            run_job(config, owner, job_id)
            count += 1
    return count


def _release(config, owner: str, job_id: int) -> None:
    """Give back a leased job the worker will not run (it is stopping)."""
    with UnitOfWork(config.sessions) as uow:
        uow.session.execute(
            update(Job)
            .where(Job.id == job_id, Job.lease_owner == owner)
            .values(lease_owner=None, lease_expires_at=None)
        )
        uow.commit()


def work(config, stop, poll_seconds: float = 1.0, owner: str | None = None) -> None:
    """The worker process: run due jobs, sleep ``poll_seconds`` when idle, until ``stop`` is set.

    A failure outside any job (the database is unreachable) is logged and retried after a
    pause; the worker only stops when told to.
    """
    owner = owner or worker_id()
    log.info("job worker %s started", owner)
    while not stop.is_set():
        try:
            ran = run_due_jobs(config, owner, stop=stop)
        except Exception:
            log.exception("job worker %s: cannot run jobs now, retrying", owner)
            ran = 0
        if ran == 0:
            stop.wait(poll_seconds)
    log.info("job worker %s stopped", owner)


def list_incidents(config, actor) -> list[Job]:
    require_admin(actor, "manage incidents")
    with UnitOfWork(config.sessions) as uow:
        return list(uow.session.scalars(select(Job).where(Job.state == "incident").order_by(Job.id)))


def retry_incident(config, actor, job_id: int) -> Job:
    """Put an incident's job back in the queue, due now, with its attempts reset."""
    require_admin(actor, "manage incidents")
    with UnitOfWork(config.sessions) as uow:
        job = uow.session.get(Job, job_id)
        if job is None:
            raise NotFound(f"incident {job_id} does not exist")
        if job.state != "incident":
            raise Conflict(f"job {job_id} is {job.state}, not an incident")
        now = config.clock.now()
        job.state, job.attempts, job.due_at, job.updated_at = "pending", 0, now, now
        instance = uow.session.get(ProcessInstance, job.instance_id) if job.instance_id else None
        audit.record(uow, actor, "incident_retried", now, instance, job_id=job.id, kind=job.kind)
        uow.commit()
        return job
