"""Staff accounts, groups, token authentication and the web UI's passwords.

Passwords are stored as argon2id hashes (argon2-cffi's defaults). After ``MAX_FAILED_LOGINS``
wrong passwords in a row an account is locked for ``LOCKOUT``: every attempt meanwhile is
refused, the right password included, so guessing costs time whatever the guesser does.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from workflows.access import APPLICANT
from workflows.engine.forms import is_credit_code
from workflows.errors import FieldError, InvalidInput, NotFound, Unauthenticated
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import ApiToken, User
from workflows.persistence.models.types import utcnow

_NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
_GROUP = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8
_hasher = PasswordHasher()
# Verified when the user does not exist, so both answers take as long.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


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


@dataclass(frozen=True)
class Login:
    """A successful login: what the session keeps (user id and session version) and the actor."""

    user_id: int
    session_version: int
    actor: Actor


def set_password(config, name: str, password: str) -> None:
    """Set (or replace) a user's password; open sessions of the user end, a lock-out is lifted."""
    if len(password) < MIN_PASSWORD_LENGTH:
        message = f"at least {MIN_PASSWORD_LENGTH} characters"
        raise InvalidInput(f"the password is too short: {message}", [FieldError("/password", message)])
    with UnitOfWork(config.sessions) as uow:
        user = uow.session.scalar(select(User).where(User.name == name))
        if user is None:
            raise NotFound(f"user '{name}' does not exist")
        user.password_hash = _hasher.hash(password)
        user.session_version += 1
        user.failed_logins, user.locked_until = 0, None
        uow.commit()


def log_in(config, name: str, password: str) -> Login:
    """Check a user's password. Wrong name or password: ``Unauthenticated``; a locked account:
    ``Unauthenticated`` with ``locked_until``. Each failure counts towards the lock-out."""
    now = config.clock.now()
    with UnitOfWork(config.sessions) as uow:
        user = uow.session.scalar(select(User).where(User.name == name, User.active.is_(True)))
        if user is not None and user.locked_until is not None and user.locked_until > now:
            raise Unauthenticated("the account is locked", locked_until=user.locked_until)
        if not _password_matches(user.password_hash if user else None, password):
            if user is not None:
                _count_failure(user, now)
                uow.commit()
            raise Unauthenticated("wrong user name or password")
        user.failed_logins, user.locked_until = 0, None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        uow.commit()
        return Login(user.id, user.session_version, _actor(user))


def _password_matches(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def _count_failure(user: User, now: datetime) -> None:
    user.failed_logins += 1
    if user.failed_logins >= MAX_FAILED_LOGINS:
        user.failed_logins, user.locked_until = 0, now + LOCKOUT


def session_actor(config, user_id: int, session_version: int) -> Actor | None:
    """The actor of a web session, or None once the user is gone, inactive or changed password."""
    with UnitOfWork(config.sessions) as uow:
        user = uow.session.get(User, user_id)
        if user is None or not user.active or user.session_version != session_version:
            return None
        return _actor(user)


def _actor(user: User) -> Actor:
    return Actor(user.name, frozenset(user.groups), institution=user.institution_code)
