"""What the engine needs from its host, passed in by the entry points.

Every setting is declared once, as a field made by ``setting()``: its environment variable
(also its key in the Flask configuration), default and meaning. The engine's settings are the
fields of ``EngineConfig`` below; the few only the HTTP host reads are declared the same way in
``api/settings.py``. The Flask configuration, the environment override, the ``EngineConfig``
the entry points build and the README's configuration tables (checked by a test) follow from
these declarations.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, NamedTuple, get_type_hints

from workflows.clock import SystemClock
from workflows.deadlines.periods import VALIDITY_READINGS


def setting(env: str, default, doc: str):
    """A configuration key: read from the environment variable ``env`` (``BPM_...``)."""
    return field(default=default, metadata={"env": env, "doc": doc})


class Setting(NamedTuple):
    name: str
    env: str
    type: type
    default: Any
    doc: str


def declared_settings(cls) -> list[Setting]:
    """The settings a dataclass declares with ``setting()``, in declaration order."""
    types = get_type_hints(cls)
    return [
        Setting(f.name, f.metadata["env"], types[f.name], f.default, f.metadata["doc"])
        for f in fields(cls)
        if "env" in f.metadata
    ]


@dataclass
class EngineConfig:
    clock: object = field(default_factory=SystemClock)
    # The session factory every unit of work draws its session from (see persistence.database).
    sessions: Callable[[], Any] | None = None
    max_task_depth: int = setting(
        "BPM_MAX_TASK_DEPTH",
        900,
        "Deepest task-tree level a case may reach; SpiffWorkflow stops iterating at 1,000, so a "
        "case that loops further is put in error instead of silently losing tasks.",
    )
    max_json_depth: int = setting(
        "BPM_MAX_JSON_DEPTH",
        64,
        "Deepest nesting of objects and arrays in a JSON document read from outside (request "
        "bodies, form files).",
    )
    script_time_limit_seconds: float = setting(
        "BPM_SCRIPT_TIME_LIMIT_SECONDS",
        2.0,
        "Time one script, condition or expression may take before its case stops in error "
        "(keep it well below gunicorn's --timeout, see the Makefile).",
    )
    script_memory_limit_mb: int = setting(
        "BPM_SCRIPT_MEMORY_LIMIT_MB", 256, "Memory one evaluation of diagram code may take."
    )
    max_call_depth: int = setting(
        "BPM_MAX_CALL_DEPTH",
        10,
        "Deepest nesting of call activities, and of cases starting cases (start_process ...).",
    )
    certificate_region_code: str = setting(
        "BPM_CERTIFICATE_REGION_CODE",
        "12",
        "Region code in issued certificate numbers: year + this + sequence (CMA numbering; 12 = Tianjin).",
    )
    certificate_validity_end: str = setting(
        "BPM_CERTIFICATE_VALIDITY_END",
        "day_before",
        "Last day of validity valid_until() gives: 'day_before' the corresponding date, as "
        "certificates state it, or the 'corresponding_day' itself (see periods.valid_until).",
    )
    reminder_share: float = setting(
        "BPM_REMINDER_SHARE", 0.5, "Share of a time limit at which a task turns reminder (提醒)."
    )
    warning_share: float = setting(
        "BPM_WARNING_SHARE", 0.8, "Share of a time limit at which a task turns warning (预警)."
    )
    job_lease_seconds: int = setting(
        "BPM_JOB_LEASE_SECONDS", 300, "How long a worker holds a job before another may take it over."
    )
    job_max_attempts: int = setting(
        "BPM_JOB_MAX_ATTEMPTS", 5, "Attempts of a failing job before it becomes an incident."
    )
    job_backoff_seconds: int = setting(
        "BPM_JOB_BACKOFF_SECONDS", 30, "First retry delay of a failing job (doubling, with jitter)."
    )
    remind_interval_minutes: int = setting(
        "BPM_REMIND_INTERVAL_MINUTES",
        60,
        "Minutes before a case may be reminded (催办) again by staff (429 with Retry-After sooner).",
    )
    conflict_cooling_off_years: int = setting(
        "BPM_CONFLICT_COOLING_OFF_YEARS",
        3,
        "Recusal (回避): a conflict of interest that ended less than this many years ago still "
        "excludes the person from draws concerning the institution (practice).",
    )
    workload_limit: int = setting(
        "BPM_WORKLOAD_LIMIT",
        5,
        "Pending or confirmed assignments a person may hold per workload period before draws "
        "skip them (a person may have their own limit).",
    )
    workload_period_days: int = setting("BPM_WORKLOAD_PERIOD_DAYS", 365, "Length of the workload period.")
    min_inspectors_per_target: int = setting(
        "BPM_MIN_INSPECTORS_PER_TARGET",
        2,
        "Inspectors drawn per inspection target unless the check item asks for more.",
    )
    portal_signature_window_seconds: int = setting(
        "BPM_PORTAL_SIGNATURE_WINDOW_SECONDS",
        300,
        "Portal (政务服务网): accepted distance of a signed request's timestamp from now.",
    )
    portal_webhook_timeout_seconds: float = setting(
        "BPM_PORTAL_WEBHOOK_TIMEOUT_SECONDS", 5.0, "Seconds a portal webhook may take to answer."
    )
    portal_delivery_attempts: int = setting(
        "BPM_PORTAL_DELIVERY_ATTEMPTS", 8, "Delivery attempts per event before it is dead-lettered."
    )
    portal_delivery_backoff_seconds: int = setting(
        "BPM_PORTAL_DELIVERY_BACKOFF_SECONDS",
        10,
        "First retry delay of a webhook delivery (doubling, with jitter, at most an hour).",
    )
    portal_case_region_code: str = setting(
        "BPM_PORTAL_CASE_REGION_CODE",
        "120000",
        "Case numbers (办件编号): year + this administrative division code + sequence.",
    )
    portal_decision_prefix: str = setting(
        "BPM_PORTAL_DECISION_PREFIX",
        "津市监资认",
        "Decision document numbers (决定书文号): prefix〔year〕sequence号, for newly mapped items.",
    )
    outbox_retention_days: int = setting(
        "BPM_OUTBOX_RETENTION_DAYS",
        30,
        "Days a delivered portal outbox event is kept after its delivery before the purge job removes it.",
    )
    purge_interval_hours: int = setting(
        "BPM_PURGE_INTERVAL_HOURS",
        24,
        "Hours between runs of the purge job (delivered outbox events, expired portal nonces).",
    )

    def __post_init__(self):
        reading, known = self.certificate_validity_end, " or ".join(VALIDITY_READINGS)
        if reading not in VALIDITY_READINGS:
            raise ValueError(f"unknown certificate validity end '{reading}' (use {known})")

    @property
    def oversight_thresholds(self) -> tuple[float, float]:
        """Shares of a time limit at which a task reaches reminder (提醒) and warning (预警)."""
        return (self.reminder_share, self.warning_share)

    @classmethod
    def from_settings(cls, values: Mapping, **others) -> EngineConfig:
        """The engine's settings taken from ``values``, keyed by environment variable."""
        declared = declared_settings(cls)
        return cls(**{s.name: values[s.env] for s in declared if s.env in values}, **others)
