"""Delivering the outbox: one job per case posts its events to the portal's webhook, in order.

The job (kind ``portal_delivery``, one per case) runs under the executor's lease, so two
workers never post a case's events at the same time, and cases are independent jobs, so a
slow or failing webhook delays only the case at hand. It runs in three steps, so that no
transaction is open while a webhook answers: pick the case's next events and commit (the
job stays leased), post them, then record the answers in a new transaction; a worker that
dies after posting leaves the events pending, and the job's next holder posts them again.
An event is acknowledged by a 2xx answer; anything else, or no answer within the timeout,
is retried with exponential backoff and jitter, and after the last attempt the event is
dead-lettered: the case's later events wait behind it until an administrator redelivers
it. Delivery is at least once: a portal de-duplicates by ``event_id``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import takewhile

import requests
from sqlalchemy import func, select

from workflows.access import require_admin
from workflows.clock import format_moment
from workflows.errors import Conflict, NotFound
from workflows.jobs.backoff import retry_delay
from workflows.jobs.executor import AfterCommit
from workflows.persistence import audit
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import OUTBOX_STATES as OUTBOX_STATES  # for the API's schemas
from workflows.persistence.models import Job, OutboxEvent, PortalCase, PortalClient
from workflows.portal.clients import client_of
from workflows.portal.outbox import ensure_delivery_job, lock_case
from workflows.portal.signing import signed_headers

BATCH = 10
_MAX_DELAY_SECONDS = 3600
_UNDELIVERED = ("pending", "dead")


def event_document(row: OutboxEvent) -> dict:
    """An event as the webhook receives it and the polling route lists it."""
    return {
        "event_id": row.event_id,
        "case_no": row.case_no,
        "sequence": row.case_seq,
        "client_sequence": row.client_seq,
        "type": row.event_type,
        "occurred_at": format_moment(row.occurred_at),
        "payload": row.payload,
    }


@dataclass(frozen=True)
class _Outgoing:
    """A claimed event as plain values, for posting outside the transaction."""

    outbox_id: int
    event_id: str
    body: bytes


@dataclass(frozen=True)
class _Webhook:
    client_id: str
    secret: str
    url: str


def deliver_case_events(config, uow, job: Job) -> AfterCommit | None:
    """Claim the case's next undelivered events, oldest first and up to a dead letter; they
    are posted once this transaction has committed (``AfterCommit``)."""
    case_no = job.payload["case_no"]
    client_id = uow.session.scalar(select(PortalCase.client_id).where(PortalCase.case_no == case_no))
    client = uow.session.get(PortalClient, client_id)
    events = uow.session.scalars(
        select(OutboxEvent)
        .where(OutboxEvent.case_no == case_no, OutboxEvent.state.in_(_UNDELIVERED))
        .order_by(OutboxEvent.case_seq)
        .limit(BATCH)
    ).all()
    events = list(takewhile(lambda row: row.state != "dead", events))
    if not (events and client.webhook_url):
        for row in events:
            row.state = "poll_only"
        _reschedule(config, uow, job, case_no, None)
        return None
    webhook = _Webhook(client.client_id, client.secret, client.webhook_url)
    outgoing = [_Outgoing(row.id, row.event_id, _body(row)) for row in events]
    return AfterCommit(
        call=lambda: _post_in_order(config, webhook, outgoing),
        record=lambda uow, job, answers: _record(config, uow, job, case_no, answers),
        seconds=len(outgoing) * 2 * config.portal_webhook_timeout_seconds,
    )


def _body(row: OutboxEvent) -> bytes:
    return json.dumps(event_document(row), ensure_ascii=False, separators=(",", ":")).encode()


def _post_in_order(config, webhook: _Webhook, outgoing: list[_Outgoing]) -> list[tuple[int, str | None]]:
    """Post the events in order, stopping at the first one not acknowledged; each posted
    event's outbox id with None, or what went wrong."""
    answers = []
    for event in outgoing:
        error = _post(config, webhook, event)
        answers.append((event.outbox_id, error))
        if error is not None:
            break
    return answers


def _post(config, webhook: _Webhook, event: _Outgoing) -> str | None:
    """POST one signed event; None when acknowledged, else what went wrong."""
    now = config.clock.now()
    headers = signed_headers(webhook.client_id, webhook.secret, "POST", webhook.url, event.body, now)
    headers.update({"Content-Type": "application/json", "X-Event-Id": event.event_id})
    try:
        response = requests.post(
            webhook.url,
            data=event.body,
            headers=headers,
            allow_redirects=False,
            timeout=config.portal_webhook_timeout_seconds,
        )
    except requests.RequestException as exc:
        return f"{type(exc).__name__}: {exc}"[:1000]
    if 200 <= response.status_code < 300:
        return None
    return f"HTTP {response.status_code}: {response.text[:200]}"


def _record(config, uow, job: Job, case_no: str, answers: list[tuple[int, str | None]]) -> None:
    """Write the webhook's answers: delivered, to retry after a backoff, or dead-lettered."""
    now = config.clock.now()
    retry_at = None
    for outbox_id, error in answers:
        row = uow.session.get(OutboxEvent, outbox_id)
        row.attempts, row.last_attempt_at, row.last_error = row.attempts + 1, now, error
        if error is None:
            row.state, row.delivered_at = "delivered", now
        elif row.attempts >= config.portal_delivery_attempts:
            row.state = "dead"
        else:
            retry_at = now + retry_delay(
                config.portal_delivery_backoff_seconds, row.attempts, _MAX_DELAY_SECONDS
            )
    _reschedule(config, uow, job, case_no, retry_at)


def _reschedule(config, uow, job: Job, case_no: str, retry_at) -> None:
    """Keep, requeue or end the job, under the case lock that writers of new events hold.

    A writer that committed an event meanwhile is seen here; one that commits later finds
    the job gone, or still queued, and queues it itself.
    """
    lock_case(uow.session, case_no)
    now = config.clock.now()
    if retry_at is not None:
        job.due_at, job.updated_at = retry_at, now
        return
    head = uow.session.scalar(
        select(OutboxEvent.state)
        .where(OutboxEvent.case_no == case_no, OutboxEvent.state.in_(_UNDELIVERED))
        .order_by(OutboxEvent.case_seq)
        .limit(1)
    )
    if head == "pending":
        uow.session.delete(job)
        uow.flush()
        ensure_delivery_job(uow.session, case_no, now)


def poll_events(config, actor, after: int, limit: int) -> list[dict]:
    """The portal's events after its cursor ``after`` (the client sequence), oldest first."""
    with UnitOfWork(config.sessions) as uow:
        client = client_of(uow, actor)
        rows = uow.session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.client_id == client.id, OutboxEvent.client_seq > after)
            .order_by(OutboxEvent.client_seq)
            .limit(limit)
        ).all()
        events = [event_document(row) for row in rows]
        uow.commit()  # the request's nonce (``client_of``)
        return events


def list_outbox(config, actor, filters: dict, page: int, page_size: int) -> tuple[list[OutboxEvent], int]:
    """Outbox rows by state (``dead`` for the dead letters) and case, oldest first (admin)."""
    require_admin(actor, "manage the portal outbox")
    stmt = select(OutboxEvent)
    for name in ("state", "case_no"):
        if filters.get(name):
            stmt = stmt.where(getattr(OutboxEvent, name) == filters[name])
    with UnitOfWork(config.sessions) as uow:
        total = uow.session.scalar(select(func.count()).select_from(stmt.subquery()))
        rows = uow.session.scalars(
            stmt.order_by(OutboxEvent.id).offset((page - 1) * page_size).limit(page_size)
        ).all()
        return list(rows), total


def redeliver(config, actor, outbox_id: int) -> OutboxEvent:
    """Queue a dead-lettered event again, with fresh attempts; the case's later events follow it."""
    require_admin(actor, "manage the portal outbox")
    with UnitOfWork(config.sessions) as uow:
        row = uow.session.get(OutboxEvent, outbox_id)
        if row is None:
            raise NotFound(f"outbox event {outbox_id} does not exist")
        lock_case(uow.session, row.case_no)
        uow.session.refresh(row)
        if row.state != "dead":
            raise Conflict(f"outbox event {outbox_id} is {row.state}, not dead")
        now = config.clock.now()
        row.state, row.attempts, row.last_error = "pending", 0, None
        ensure_delivery_job(uow.session, row.case_no, now)
        audit.record(
            uow,
            actor,
            "portal_event_redelivered",
            now,
            None,
            event_id=row.event_id,
            case_no=row.case_no,
            process_key=None,
        )
        uow.commit()
        return row
