"""Every configuration key with its default; environment variables override them."""

from __future__ import annotations

import os


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
    # Input rules: deepest accepted nesting of a JSON body (objects and arrays), and the longest
    # accepted query string in bytes (414 beyond; gunicorn's request line limit is set above it).
    BPM_MAX_JSON_DEPTH = 64
    BPM_MAX_QUERY_STRING_BYTES = 4096
    # Engine: deepest task-tree level before a case is stopped as a runaway loop.
    BPM_MAX_TASK_DEPTH = 900
    # Engine: time and memory one script, condition or expression may take before the case
    # stops in error (keep the time well below gunicorn's --timeout, see the Makefile).
    BPM_SCRIPT_TIME_LIMIT_SECONDS = 2.0
    BPM_SCRIPT_MEMORY_LIMIT_MB = 256
    # Engine: deepest nesting of call activities (and of cases started by cases).
    BPM_MAX_CALL_DEPTH = 10
    # Region code in issued certificate numbers (12 = Tianjin).
    BPM_CERTIFICATE_REGION_CODE = "12"
    # Last day of validity that valid_until() gives: "day_before" the corresponding date, as
    # certificates state it (granted 2026-12-01, 6 years: to 2032-11-30), or "corresponding_day".
    BPM_CERTIFICATE_VALIDITY_END = "day_before"
    # Oversight (电子监察): share of a time limit at which a task turns reminder / warning.
    BPM_REMINDER_SHARE = 0.5
    BPM_WARNING_SHARE = 0.8
    # Job executor: a worker's lease on a job, attempts before an incident, first retry delay.
    BPM_JOB_LEASE_SECONDS = 300
    BPM_JOB_MAX_ATTEMPTS = 5
    BPM_JOB_BACKOFF_SECONDS = 30
    # Worker poll interval when no job is due, in seconds.
    BPM_WORKER_POLL_SECONDS = 1.0

    # Draws: years after a conflict of interest ends during which the person still recuses.
    BPM_CONFLICT_COOLING_OFF_YEARS = 3
    # Draws: pending or confirmed assignments a person may hold per period before being skipped.
    BPM_WORKLOAD_LIMIT = 5
    # Draws: length in days of the workload period.
    BPM_WORKLOAD_PERIOD_DAYS = 365
    # Draws: inspectors per inspection target (at least two law-enforcement officers).
    BPM_MIN_INSPECTORS_PER_TARGET = 2

    # Portal: requests per client (flask-limiter syntax) and the limiter's storage: database://
    # counts in the application database, shared by every worker and node; redis://host:6379
    # shares them in Redis; memory:// counts per process (one worker only).
    BPM_PORTAL_RATE_LIMIT = "120/minute"
    BPM_PORTAL_RATE_LIMIT_STORAGE_URI = "database://"
    # Portal: accepted distance of a signed request's timestamp from the server's time, seconds.
    BPM_PORTAL_SIGNATURE_WINDOW_SECONDS = 300
    # Portal webhooks: timeout per delivery, attempts before dead-lettering, first retry delay.
    BPM_PORTAL_WEBHOOK_TIMEOUT_SECONDS = 5.0
    BPM_PORTAL_DELIVERY_ATTEMPTS = 8
    BPM_PORTAL_DELIVERY_BACKOFF_SECONDS = 10
    # Portal: administrative division code in case numbers (办件编号), 120000 = Tianjin.
    BPM_PORTAL_CASE_REGION_CODE = "120000"
    # Portal: prefix of decision document numbers (决定书文号), e.g. 津市监资认〔2026〕1号.
    BPM_PORTAL_DECISION_PREFIX = "津市监资认"


_NUMERIC = {
    "BPM_REMINDER_SHARE": float,
    "BPM_WARNING_SHARE": float,
    "BPM_JOB_LEASE_SECONDS": int,
    "BPM_JOB_MAX_ATTEMPTS": int,
    "BPM_JOB_BACKOFF_SECONDS": int,
    "BPM_WORKER_POLL_SECONDS": float,
    "BPM_MAX_TASK_DEPTH": int,
    "BPM_MAX_JSON_DEPTH": int,
    "BPM_MAX_QUERY_STRING_BYTES": int,
    "BPM_SCRIPT_TIME_LIMIT_SECONDS": float,
    "BPM_SCRIPT_MEMORY_LIMIT_MB": int,
    "BPM_MAX_CALL_DEPTH": int,
    "BPM_CONFLICT_COOLING_OFF_YEARS": int,
    "BPM_WORKLOAD_LIMIT": int,
    "BPM_WORKLOAD_PERIOD_DAYS": int,
    "BPM_MIN_INSPECTORS_PER_TARGET": int,
    "BPM_PORTAL_SIGNATURE_WINDOW_SECONDS": int,
    "BPM_PORTAL_WEBHOOK_TIMEOUT_SECONDS": float,
    "BPM_PORTAL_DELIVERY_ATTEMPTS": int,
    "BPM_PORTAL_DELIVERY_BACKOFF_SECONDS": int,
}


def from_environment(instance_path: str) -> dict:
    """DATABASE_URL and any BPM_* key set in the environment."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{os.path.join(instance_path, 'bpm.sqlite')}"
    values = {"SQLALCHEMY_DATABASE_URI": database_uri(url)}
    for key in vars(Settings):
        if key.startswith("BPM_") and key in os.environ:
            values[key] = _NUMERIC.get(key, str)(os.environ[key])
    return values


def database_uri(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
