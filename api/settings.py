"""The application's configuration: Flask's keys here, every ``BPM_*`` key declared once.

The engine's settings are the fields of ``workflows.config.EngineConfig``; the ones only the
HTTP host and the worker command read are the fields of ``HostSettings`` below. Each is one
``setting()`` with its environment variable, default and meaning; ``defaults()`` puts them all
in the Flask configuration and environment variables override them.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from dataclasses import dataclass

from workflows import training_clock
from workflows.config import EngineConfig, Setting, declared_settings, setting


class Settings:
    # Database: SQLite file in the instance folder unless DATABASE_URL is set.
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # OpenAPI document and the browsable page (assets served locally, no CDN).
    API_TITLE = "Market Regulation BPM"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.1.0"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "v1/openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    OPENAPI_SWAGGER_UI_URL = "/api/docs/assets/"
    # Largest accepted request body (deployments, JSON), in bytes.
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024


@dataclass(frozen=True)
class HostSettings:
    """Settings the engine never sees: request bounds, the worker's poll, the portal's limiter."""

    max_query_string_bytes: int = setting(
        "BPM_MAX_QUERY_STRING_BYTES",
        4096,
        "Longest accepted query string in bytes (414 beyond; gunicorn's request line limit is set above it).",
    )
    worker_poll_seconds: float = setting(
        "BPM_WORKER_POLL_SECONDS", 1.0, "How often an idle job worker looks for due jobs, in seconds."
    )
    portal_rate_limit: str = setting(
        "BPM_PORTAL_RATE_LIMIT", "120/minute", "Requests per portal client (flask-limiter syntax)."
    )
    session_cookie_secure: int = setting(
        "BPM_SESSION_COOKIE_SECURE",
        0,
        "1: browsers send the web UI's session cookie only over HTTPS (set it behind a TLS proxy).",
    )
    portal_rate_limit_storage_uri: str = setting(
        "BPM_PORTAL_RATE_LIMIT_STORAGE_URI",
        "database://",
        "The portal limiter's counters: database:// in the application database (shared by every "
        "worker and node), redis://host:6379 in Redis, memory:// per process (one worker only).",
    )
    clock_kind: str = setting(
        "BPM_CLOCK",
        "system",
        "system: real time. simulated: the training clock (培训模式), real time plus an offset an "
        "administrator advances (POST /api/v1/admin/clock/advance); refused on PostgreSQL unless "
        "BPM_ALLOW_SIMULATED_CLOCK is 1.",
    )
    allow_simulated_clock: int = setting(
        "BPM_ALLOW_SIMULATED_CLOCK",
        0,
        "1: allow BPM_CLOCK=simulated on a PostgreSQL database (a training server, never production).",
    )


DECLARED: tuple[Setting, ...] = (*declared_settings(EngineConfig), *declared_settings(HostSettings))


def defaults() -> dict:
    """Every declared key with its default, for the Flask configuration."""
    return {s.env: s.default for s in DECLARED}


def from_environment(instance_path: str) -> dict:
    """DATABASE_URL and any declared ``BPM_*`` key set in the environment."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{os.path.join(instance_path, 'bpm.sqlite')}"
    values = {"SQLALCHEMY_DATABASE_URI": database_uri(url)}
    for declared in DECLARED:
        if declared.env in os.environ:
            values[declared.env] = declared.type(os.environ[declared.env])
    return values


def engine_clock(config: dict, clock):
    """The engine's clock: ``clock`` itself, or the training clock on top of it when
    ``BPM_CLOCK=simulated``, refused where the database looks like production."""
    choice = config["BPM_CLOCK"]
    if choice == "system" or training_clock.is_simulated_clock(clock):
        return clock
    if choice != "simulated":
        raise RuntimeError(f"BPM_CLOCK must be 'system' or 'simulated', not '{choice}'")
    url = config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("postgresql") and str(config["BPM_ALLOW_SIMULATED_CLOCK"]) != "1":
        raise RuntimeError(
            "BPM_CLOCK=simulated is refused on a PostgreSQL database, which looks like production; "
            "set BPM_ALLOW_SIMULATED_CLOCK=1 on a training server"
        )
    return training_clock.SimulatedClock(clock, url)


def database_uri(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def secret_key(instance_path: str) -> str:
    """The key signing session cookies: ``SECRET_KEY`` from the environment, else a random key
    kept in ``instance/secret_key`` (created once, shared by every worker on this machine;
    several nodes need the same ``SECRET_KEY``)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = os.path.join(instance_path, "secret_key")
    if not os.path.exists(path):
        os.makedirs(instance_path, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=instance_path, delete=False) as new:
            new.write(secrets.token_hex(32))
        os.chmod(new.name, 0o600)
        try:
            os.link(new.name, path)  # atomic: of two workers starting together, one key wins
        except FileExistsError:
            pass
        finally:
            os.unlink(new.name)
    with open(path, encoding="utf-8") as stored:
        return stored.read().strip()
