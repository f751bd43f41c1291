"""The job executor: workers lease due jobs, run each in its own transaction, retry with backoff.

Claiming takes row locks with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several workers on
several nodes never take the same job; the lease (owner + expiry) lets another worker take
over the job of one that died. A job runs in one unit of work with the change it makes and
is deleted in it, so its effect happens once. After the last attempt it becomes an incident.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import uuid
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import inspect, or_, select, update

from . import audit
from .database import UnitOfWork
from .errors import Conflict, NotFound, NotPermitted
from .models import Job, ProcessInstance
from .users import SYSTEM

log = logging.getLogger(__name__)
HANDLERS: dict[str, Callable] = {}


def handles(kind: str):
    """Register the function that runs jobs of ``kind``: ``fn(config, uow, job)``."""

    def register(fn):
        HANDLERS[kind] = fn
        return fn

    return register


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _claimable(now):
    return (
        (Job.state == "pending")
        & (Job.due_at <= now)
        & (or_(Job.lease_owner.is_(None), Job.lease_expires_at < now))
    )


def claim_due_jobs(config, owner: str, limit: int = 20) -> list[int]:
    """Lease up to ``limit`` due jobs for ``owner``; returns their ids."""
    with UnitOfWork() as uow:
        now = config.clock.now()
        stmt = select(Job.id).where(_claimable(now)).order_by(Job.due_at, Job.id).limit(limit)
        if uow.is_postgres:
            stmt = stmt.with_for_update(skip_locked=True)
        ids = list(uow.session.scalars(stmt))
        if not ids:
            return []
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


def run_job(config, owner: str, job_id: int) -> str:
    """Run one leased job: ``done``, ``failed``, or ``lost`` (the lease went to another worker)."""
    try:
        with UnitOfWork() as uow:
            job = uow.session.scalars(
                select(Job).where(Job.id == job_id, Job.lease_owner == owner).with_for_update()
            ).one_or_none()
            if job is None:
                return "lost"
            HANDLERS[job.kind](config, uow, job)
            _finish(config, uow, job)
            uow.commit()
        return "done"
    except Exception as exc:
        log.exception("job %s failed", job_id)
        _record_failure(config, owner, job_id, exc)
        return "failed"


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


def _record_failure(config, owner: str, job_id: int, exc: Exception) -> None:
    with UnitOfWork() as uow:
        job = uow.session.get(Job, job_id)
        if job is None or job.lease_owner != owner:
            return
        now = config.clock.now()
        job.attempts += 1
        job.last_error = f"{type(exc).__name__}: {exc}"[:4000]
        job.lease_owner = job.lease_expires_at = None
        job.updated_at = now
        if job.attempts >= config.job_max_attempts:
            job.state = "incident"
            instance = uow.session.get(ProcessInstance, job.instance_id) if job.instance_id else None
            audit.record(uow, SYSTEM, "incident_opened", now, instance, job_id=job.id, kind=job.kind,
                         error=job.last_error)  # fmt: skip
        else:
            job.due_at = now + backoff(config, job.attempts)
        uow.commit()


def backoff(config, attempts: int) -> timedelta:
    """Exponential backoff with jitter: base * 2^(n-1), up to 25% longer."""
    delay = config.job_backoff_seconds * 2 ** (attempts - 1)
    return timedelta(seconds=delay * (1 + random.random() / 4))


def run_due_jobs(config, owner: str | None = None, limit: int = 20) -> int:
    """Run jobs until none is due; returns how many ran (the worker loop's inner step)."""
    owner = owner or worker_id()
    count = 0
    while ids := claim_due_jobs(config, owner, limit):
        for job_id in ids:
            run_job(config, owner, job_id)
            count += 1
    return count


def work(config, stop, poll_seconds: float = 1.0, owner: str | None = None) -> None:
    """The worker process: run due jobs, sleep ``poll_seconds`` when idle, until ``stop`` is set."""
    owner = owner or worker_id()
    log.info("job worker %s started", owner)
    while not stop.is_set():
        if run_due_jobs(config, owner) == 0:
            stop.wait(poll_seconds)
    log.info("job worker %s stopped", owner)


def list_incidents(actor) -> list[Job]:
    _admin(actor)
    with UnitOfWork() as uow:
        return list(uow.session.scalars(select(Job).where(Job.state == "incident").order_by(Job.id)))


def retry_incident(config, actor, job_id: int) -> Job:
    """Put an incident's job back in the queue, due now, with its attempts reset."""
    _admin(actor)
    with UnitOfWork() as uow:
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


def _admin(actor) -> None:
    if not actor.is_admin:
        raise NotPermitted("only administrators manage incidents")
