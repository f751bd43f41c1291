"""The e-government portal (政务服务网): its clients, case records (办件), nonces and the outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workflows.persistence.database import Base, JSONType
from workflows.persistence.models.types import UTCDateTime

OUTBOX_STATES = ("pending", "delivered", "dead", "poll_only")


class PortalClient(Base):
    """A registered portal. ``secret`` is the shared HMAC key, kept in clear because the
    bureau signs its webhooks with it too: protect the database (and its backups) accordingly."""

    __tablename__ = "portal_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    secret: Mapped[str] = mapped_column(String(100))
    webhook_url: Mapped[str | None] = mapped_column(String(1000))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ServiceItem(Base):
    """A service item code (事项编码) and the process it starts; ``steps`` names the
    process elements the portal's applicant actions and events refer to, ``decision_prefix``
    starts the decision document numbers (决定书文号) of its cases."""

    __tablename__ = "service_items"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    process_key: Mapped[str] = mapped_column(String(255))
    steps: Mapped[dict] = mapped_column(JSONType)
    decision_prefix: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PortalCase(Base):
    """A case record (办件) received from a portal; its case number is the instance's business key."""

    __tablename__ = "portal_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_no: Mapped[str] = mapped_column(String(32), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("portal_clients.id"), index=True)
    instance_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    item_code: Mapped[str] = mapped_column(String(64))
    item_version: Mapped[str] = mapped_column(String(32))
    applicant: Mapped[dict] = mapped_column(JSONType)
    agent: Mapped[dict | None] = mapped_column(JSONType)
    channel: Mapped[str] = mapped_column(String(32))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    materials: Mapped[list] = mapped_column(JSONType)
    item_data: Mapped[dict] = mapped_column(JSONType)
    query_password_hash: Mapped[str] = mapped_column(String(200))
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision: Mapped[str | None] = mapped_column(String(16))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decision_no: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    certificate_no: Mapped[str | None] = mapped_column(String(64))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rating_level: Mapped[int | None]
    rating_comment: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_event_seq: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PortalNonce(Base):
    """A nonce a client has used; kept until its request's timestamp leaves the accepted window."""

    __tablename__ = "portal_nonces"
    __table_args__ = (UniqueConstraint("client_id", "nonce"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("portal_clients.id"))
    nonce: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class OutboxEvent(Base):
    """One change a portal must learn, written in the transaction of the change.

    ``case_seq`` numbers a case's events without gaps; ``client_seq`` numbers a client's events
    in commit order (the polling cursor). ``event_id`` stays the same across redeliveries.
    """

    __tablename__ = "portal_outbox"
    __table_args__ = (
        UniqueConstraint("case_no", "case_seq"),
        UniqueConstraint("client_id", "client_seq"),
        Index("ix_portal_outbox_state_id", "state", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("portal_clients.id"))
    case_no: Mapped[str] = mapped_column(String(32))
    case_seq: Mapped[int]
    client_seq: Mapped[int | None]
    event_type: Mapped[str] = mapped_column(String(32))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    payload: Mapped[dict] = mapped_column(JSONType)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
