"""``database://``: flask-limiter's storage in the application database (the default).

Counts are shared by every worker and node on the database, as ``redis://`` would share
them, without another server to run. Windows follow the wall clock, as in every
flask-limiter storage.
"""

from __future__ import annotations

import time

from flask import current_app
from limits.storage import Storage
from sqlalchemy.exc import SQLAlchemyError

from workflows.health import database_answers
from workflows.portal import rate_limits


def _config():
    return current_app.extensions["engine_config"]


class DatabaseStorage(Storage):
    """Fixed-window counters in the ``rate_limit_counters`` table (``workflows.portal.rate_limits``)."""

    STORAGE_SCHEME = ["database"]

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        return rate_limits.count_request(_config(), key, expiry, amount, time.time())

    def get(self, key: str) -> int:
        return rate_limits.counted_requests(_config(), key, time.time())

    def get_expiry(self, key: str) -> float:
        return rate_limits.window_end(_config(), key, time.time())

    def check(self) -> bool:
        return database_answers(_config())

    def reset(self) -> int | None:
        return rate_limits.clear_counters(_config())

    def clear(self, key: str) -> None:
        rate_limits.clear_counters(_config(), key)
