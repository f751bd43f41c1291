"""Portal clients: registration, signed-request authentication, and the service item mapping.

A portal acts in the workflow as an actor of kind ``portal`` in the ``applicant`` group,
named ``portal:<client id>``.

Replay protection: every signed request carries a nonce, usable once. Authentication checks
the signature and that the nonce is unused, and changes nothing; the nonce is spent by the
use case the request calls, in its unit of work (``client_of``), so a request commits once,
with its change, and a read-only request's only write is its nonce. When the request fails,
its change and the nonce roll back together, and the HTTP layer spends the nonce alone
(``spend_nonce``): a signed request is used up whether it succeeded or not, as before, so a
captured request that failed cannot be replayed later, when it might succeed.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from workflows.access import APPLICANT
from workflows.errors import Conflict, FieldError, InvalidInput, Unauthenticated
from workflows.inputs.text import refused_character
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import PortalClient, PortalNonce, ServiceItem
from workflows.portal.signing import NONCE_PATTERN, signature_matches
from workflows.users import Actor

_REPLAYED = "this nonce was already used (a replayed request)"
_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
STEP_ROLES = ("acceptance", "supplements", "rectification", "decision")
# The elements of the shipped flows that portal actions and events refer to.
DEFAULT_STEPS = {
    "qualification_approval": {
        "acceptance": "accept_application",
        "supplements": "submit_supplements",
        "rectification": "rectify",
        "decision": "decide",
    }
}


@dataclass(frozen=True)
class RequestNonce:
    """A signed request's nonce: kept until ``expires_at``, when the request's timestamp leaves
    the accepted window; nonces expired at ``checked_at`` (authentication) make room."""

    value: str
    expires_at: datetime
    checked_at: datetime


@dataclass(frozen=True)
class PortalActor(Actor):
    """A portal acting through one signed request, with the nonce that request must spend."""

    nonce: RequestNonce | None = None


@dataclass(frozen=True)
class SignedRequest:
    client_id: str
    timestamp: str
    nonce: str
    signature: str
    method: str
    path: str
    body: bytes


def register_client(config, name: str, webhook_url: str | None) -> tuple[str, str]:
    """Register a portal; returns its client id and secret (shown once, stored for signing)."""
    if not _NAME.fullmatch(name):
        raise InvalidInput(f"invalid portal name '{name}' (letters, digits, '.', '_', '-')")
    if webhook_url and not webhook_url.startswith(("http://", "https://")):
        raise InvalidInput("the webhook must be an http(s) URL")
    client_id, secret = f"pc_{secrets.token_hex(8)}", secrets.token_urlsafe(32)
    with UnitOfWork(config.sessions) as uow:
        if uow.session.scalar(select(PortalClient.id).where(PortalClient.name == name)):
            raise Conflict(f"a portal named '{name}' is already registered")
        uow.session.add(
            PortalClient(
                client_id=client_id,
                name=name,
                secret=secret,
                webhook_url=webhook_url or None,
                created_at=config.clock.now(),
            )
        )
        uow.commit()
    return client_id, secret


def portal_actor(client_id: str, nonce: RequestNonce | None = None) -> PortalActor:
    return PortalActor(f"portal:{client_id}", frozenset({APPLICANT}), kind="portal", nonce=nonce)


def client_of(uow, actor) -> PortalClient:
    """The registered client an actor of kind ``portal`` stands for; spends the nonce of the
    actor's signed request in ``uow`` (once per unit of work), so it commits with the change."""
    client_id = actor.name.removeprefix("portal:") if actor.kind == "portal" else None
    client = uow.session.scalar(select(PortalClient).where(PortalClient.client_id == client_id))
    if client is None or not client.active:
        raise Unauthenticated("this operation is for registered portal clients")
    nonce = getattr(actor, "nonce", None)
    if nonce is not None and uow.info.get("portal_nonce") != nonce:
        _spend_nonce(uow, client, nonce)
        uow.info["portal_nonce"] = nonce
    return client


def spend_nonce(config, actor) -> None:
    """Spend the nonce of a request that failed (its own unit of work had rolled back);
    a nonce spent meanwhile (a concurrent replay) is left as it is."""
    try:
        with UnitOfWork(config.sessions) as uow:
            client_of(uow, actor)
            uow.commit()
    except Unauthenticated:
        pass


def authenticate_request(config, request: SignedRequest) -> PortalActor:
    """Check a signed portal request and that its nonce is unused; the portal's actor, carrying
    the nonce its use case spends, or Unauthenticated. Nothing is written here."""
    if not (request.client_id and request.timestamp and request.nonce and request.signature):
        raise Unauthenticated("sign the request: X-Client-Id, X-Timestamp, X-Nonce and X-Signature")
    now = config.clock.now()
    sent_at = _timestamp(request.timestamp)
    window = timedelta(seconds=config.portal_signature_window_seconds)
    if sent_at is None or abs(now - sent_at) > window:
        raise Unauthenticated("the request's timestamp is too old or in the future")
    if not NONCE_PATTERN.fullmatch(request.nonce):
        raise Unauthenticated("the nonce must be 16 to 64 characters of [A-Za-z0-9_-]")
    with UnitOfWork(config.sessions) as uow:
        client = uow.session.scalar(
            select(PortalClient).where(PortalClient.client_id == request.client_id, PortalClient.active)
        )
        if client is None or not signature_matches(
            client.secret,
            request.signature,
            request.method,
            request.path,
            request.timestamp,
            request.nonce,
            request.body,
        ):
            raise Unauthenticated("the signature does not match")
        spent = uow.session.scalar(
            select(PortalNonce.id).where(
                PortalNonce.client_id == client.id,
                PortalNonce.nonce == request.nonce,
                PortalNonce.expires_at >= now,
            )
        )
        if spent is not None:
            raise Unauthenticated(_REPLAYED)
        return portal_actor(client.client_id, RequestNonce(request.nonce, sent_at + window, now))


def _timestamp(value: str) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (ValueError, OverflowError, OSError):
        return None


def _spend_nonce(uow, client, nonce: RequestNonce) -> None:
    """Insert the nonce at once, so that of two concurrent requests with it the second waits
    here and is refused before it has done anything. The client's expired nonces go, except
    those a concurrent request is deleting (on PostgreSQL it skips them instead of waiting)."""
    expired = select(PortalNonce.id).where(
        PortalNonce.client_id == client.id, PortalNonce.expires_at < nonce.checked_at
    )
    if uow.is_postgres:
        expired = expired.with_for_update(skip_locked=True)
    uow.session.execute(
        delete(PortalNonce).where(PortalNonce.id.in_(expired)).execution_options(synchronize_session=False)
    )
    uow.session.add(PortalNonce(client_id=client.id, nonce=nonce.value, expires_at=nonce.expires_at))
    try:
        uow.flush()
    except IntegrityError as exc:
        raise Unauthenticated(_REPLAYED) from exc


def set_service_item(
    config, code: str, process_key: str, name: str, steps: dict | None = None, decision_prefix=None
) -> ServiceItem:
    """Map a service item code (事项编码) to a process; known processes get their default steps."""
    for label, value in (("code", code), ("name", name)):
        problem = refused_character(value)
        if problem:
            raise InvalidInput(f"the service item's {label} {problem}")
    steps = steps if steps is not None else DEFAULT_STEPS.get(process_key, {})
    unknown = set(steps) - set(STEP_ROLES)
    if unknown:
        known = ", ".join(STEP_ROLES)
        raise InvalidInput(f"unknown step roles: {', '.join(sorted(unknown))}; known: {known}")
    with UnitOfWork(config.sessions) as uow:
        item = uow.session.get(ServiceItem, code)
        if item is None:
            item = ServiceItem(code=code)
            uow.session.add(item)
        item.name, item.process_key, item.steps, item.active = name, process_key, steps, True
        item.decision_prefix = decision_prefix or item.decision_prefix or config.portal_decision_prefix
        item.updated_at = config.clock.now()
        uow.commit()
        return item


def list_service_items(config) -> list[ServiceItem]:
    with UnitOfWork(config.sessions) as uow:
        return list(uow.session.scalars(select(ServiceItem).order_by(ServiceItem.code)))


def service_item(uow, code: str) -> ServiceItem:
    """The active item for ``code``; an unknown code names the accepted ones."""
    item = uow.session.get(ServiceItem, code)
    if item is not None and item.active:
        return item
    accepted = sorted(uow.session.scalars(select(ServiceItem.code).where(ServiceItem.active)))
    raise InvalidInput(
        f"unknown service item code '{code}'",
        [FieldError("/item_code", "not an accepted code")],
        accepted_codes=accepted,
    )
