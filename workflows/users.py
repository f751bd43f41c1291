"""Staff accounts, groups and token authentication."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from .database import UnitOfWork
from .errors import InvalidInput
from .models import ApiToken, User
from .models.types import utcnow

ADMIN_GROUP = "admin"
DESIGNER_GROUP = "designer"
_NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
_GROUP = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


@dataclass(frozen=True)
class Actor:
    """Who is acting: a staff user, a registered portal client, or the engine itself."""

    name: str
    groups: frozenset[str] = frozenset()
    kind: str = "user"

    @property
    def is_admin(self) -> bool:
        return ADMIN_GROUP in self.groups

    def in_any(self, groups) -> bool:
        return bool(self.groups & set(groups))


SYSTEM = Actor("system", frozenset(), kind="system")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user_token(name: str, groups: list[str]) -> str:
    """Create the user (or add groups to an existing one) and issue a new token."""
    if not _NAME.fullmatch(name):
        raise InvalidInput(f"invalid user name '{name}'")
    bad = [g for g in groups if not _GROUP.fullmatch(g)]
    if bad:
        raise InvalidInput(f"invalid group names: {', '.join(bad)}")
    token = secrets.token_urlsafe(32)
    with UnitOfWork() as uow:
        user = uow.session.scalar(select(User).where(User.name == name))
        if user is None:
            user = User(name=name, groups=sorted(set(groups)), created_at=utcnow())
            uow.session.add(user)
        else:
            user.groups = sorted(set(user.groups) | set(groups))
        uow.session.add(ApiToken(user=user, token_hash=_digest(token), created_at=utcnow()))
        uow.commit()
    return token


def authenticate(token: str) -> Actor | None:
    """The actor a bearer token belongs to, or None."""
    if not token:
        return None
    with UnitOfWork() as uow:
        row = uow.session.execute(
            select(User.name, User.groups)
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(ApiToken.token_hash == _digest(token))
            .where(ApiToken.revoked_at.is_(None))
            .where(User.active.is_(True))
        ).one_or_none()
    if row is None:
        return None
    return Actor(row.name, frozenset(row.groups))
