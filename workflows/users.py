"""Staff accounts, groups and token authentication."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from workflows.access import APPLICANT
from workflows.engine.forms import is_credit_code
from workflows.errors import InvalidInput
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import ApiToken, User
from workflows.persistence.models.types import utcnow

_NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
_GROUP = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


@dataclass(frozen=True)
class Actor:
    """Who is acting: a staff user, a registered portal client, or the engine itself."""

    name: str
    groups: frozenset[str] = frozenset()
    kind: str = "user"
    institution: str | None = None

    def in_any(self, groups) -> bool:
        return bool(self.groups & set(groups))


SYSTEM = Actor("system", frozenset(), kind="system")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user_token(config, name: str, groups: list[str], institution: str | None = None) -> str:
    """Create the user (or add groups to an existing one) and issue a new token.

    An applicant's account is bound to its institution (``institution``, a unified social
    credit code) and sees only that institution's cases.
    """
    if not _NAME.fullmatch(name):
        raise InvalidInput(f"invalid user name '{name}'")
    bad = [g for g in groups if not _GROUP.fullmatch(g)]
    if bad:
        raise InvalidInput(f"invalid group names: {', '.join(bad)}")
    if institution is not None and not is_credit_code(institution):
        raise InvalidInput(f"'{institution}' is not a valid unified social credit code (GB 32100)")
    token = secrets.token_urlsafe(32)
    with UnitOfWork(config.sessions) as uow:
        user = uow.session.scalar(select(User).where(User.name == name))
        if user is None:
            user = User(name=name, groups=sorted(set(groups)), created_at=utcnow())
            uow.session.add(user)
        else:
            user.groups = sorted(set(user.groups) | set(groups))
        user.institution_code = institution or user.institution_code
        _check_binding(user)
        uow.session.add(ApiToken(user=user, token_hash=_digest(token), created_at=utcnow()))
        uow.commit()
    return token


def _check_binding(user: User) -> None:
    if APPLICANT in user.groups and not user.institution_code:
        raise InvalidInput(
            f"the applicant account '{user.name}' must be bound to its institution: "
            "give the institution's unified social credit code"
        )
    if user.institution_code and APPLICANT not in user.groups:
        raise InvalidInput("only applicant accounts are bound to an institution")


def authenticate(config, token: str) -> Actor | None:
    """The actor a bearer token belongs to, or None."""
    if not token:
        return None
    with UnitOfWork(config.sessions) as uow:
        row = uow.session.execute(
            select(User.name, User.groups, User.institution_code)
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(ApiToken.token_hash == _digest(token))
            .where(ApiToken.revoked_at.is_(None))
            .where(User.active.is_(True))
        ).one_or_none()
    if row is None:
        return None
    return Actor(row.name, frozenset(row.groups), institution=row.institution_code)
