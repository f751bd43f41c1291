"""Fixed-window request counters in the application database.

This is the portal rate limit's default storage: every gunicorn worker and every node on
the same database counts into one row per client and limit, so the limit holds however
many processes serve the portal. Each request is one atomic upsert; the request that
finds its window ended starts the next one, and deletes every row whose window has ended
(a client gone quiet, a limit changed), so the table stays small.
"""

from __future__ import annotations

from sqlalchemy import case, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import RateLimitCounter


def count_request(config, key: str, window_seconds: float, amount: int, now: float) -> int:
    """Add ``amount`` to ``key``'s count in the window open at ``now``; returns the count."""
    with UnitOfWork(config.sessions) as uow:
        insert = pg_insert if uow.is_postgres else sqlite_insert
        ended = RateLimitCounter.expires_at <= now
        stmt = (
            insert(RateLimitCounter)
            .values(key=key, count=amount, expires_at=now + window_seconds)
            .on_conflict_do_update(
                index_elements=["key"],
                set_={
                    "count": case((ended, amount), else_=RateLimitCounter.count + amount),
                    "expires_at": case((ended, now + window_seconds), else_=RateLimitCounter.expires_at),
                },
            )
            .returning(RateLimitCounter.count)
        )
        count = uow.session.execute(stmt).scalar_one()
        if count == amount:
            uow.session.execute(delete(RateLimitCounter).where(RateLimitCounter.expires_at <= now))
        uow.commit()
    return count


def counted_requests(config, key: str, now: float) -> int:
    """Requests counted under ``key`` in the window open at ``now`` (0 when none is)."""
    counter = _open_counter(config, key, now)
    return counter.count if counter else 0


def window_end(config, key: str, now: float) -> float:
    """When ``key``'s open window ends (``now`` when none is open)."""
    counter = _open_counter(config, key, now)
    return counter.expires_at if counter else now


def _open_counter(config, key: str, now: float):
    with UnitOfWork(config.sessions) as uow:
        stmt = select(RateLimitCounter.count, RateLimitCounter.expires_at).where(
            RateLimitCounter.key == key, RateLimitCounter.expires_at > now
        )
        return uow.session.execute(stmt).first()


def clear_counters(config, key: str | None = None) -> int:
    """Forget ``key``'s count, or every count; returns how many rows went."""
    with UnitOfWork(config.sessions) as uow:
        stmt = delete(RateLimitCounter)
        if key is not None:
            stmt = stmt.where(RateLimitCounter.key == key)
        removed = uow.session.execute(stmt).rowcount
        uow.commit()
    return removed
