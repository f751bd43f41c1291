"""Staff accounts and their API tokens (stored as SHA-256 digests only)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflows.persistence.database import Base, JSONType
from workflows.persistence.models.types import UTCDateTime


class User(Base):
    """A staff account; an applicant's account (group ``applicant``) is bound to one
    institution by its unified social credit code and sees only that institution's cases."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    groups: Mapped[list] = mapped_column(JSONType)
    active: Mapped[bool] = mapped_column(default=True)
    institution_code: Mapped[str | None] = mapped_column(String(18))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The web UI's login: an argon2 hash, failed attempts since the last success, the end of
    # a lock-out, and a version that a password change bumps (ending every open session).
    password_hash: Mapped[str | None] = mapped_column(String(255))
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # The newest notification (抄送/催办) the user has seen: newer ones count as unread.
    notifications_seen_id: Mapped[int] = mapped_column(default=0, server_default="0")

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(back_populates="tokens")
