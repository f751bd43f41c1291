"""What the engine needs from its host, passed in by the entry points."""

from __future__ import annotations

from dataclasses import dataclass, field

from workflows.clock import SystemClock
from workflows.deadlines.periods import VALIDITY_READINGS


@dataclass
class EngineConfig:
    clock: object = field(default_factory=SystemClock)
    # Deepest task-tree level a case may reach; SpiffWorkflow stops iterating at 1,000,
    # so a case that loops further is put in error instead of silently losing tasks.
    max_task_depth: int = 900
    # Deepest nesting of objects and arrays in a JSON document read from outside (form files).
    max_json_depth: int = 64
    # Diagram code (scripts, conditions, expressions): time and memory one evaluation may take.
    script_time_limit_seconds: float = 2.0
    script_memory_limit_mb: int = 256
    # Deepest nesting of call activities, and of cases starting cases (start_process ...).
    max_call_depth: int = 10
    # Region code in issued certificate numbers: year + this + sequence (CMA numbering).
    certificate_region_code: str = "12"
    # Last day of validity given by valid_until(): "day_before" the corresponding date (as
    # certificates state it) or the "corresponding_day" itself (see ``periods.valid_until``).
    certificate_validity_end: str = "day_before"
    # Shares of a time limit at which a task reaches reminder (提醒) and warning (预警).
    oversight_thresholds: tuple[float, float] = (0.5, 0.8)
    # Job executor: lease length, retries, and the first retry delay (doubling each time).
    job_lease_seconds: int = 300
    job_max_attempts: int = 5
    job_backoff_seconds: int = 30
    # Recusal (回避): a conflict of interest that ended less than this many years ago
    # still excludes the person from draws concerning the institution (practice).
    conflict_cooling_off_years: int = 3
    # Workload: a person holding this many pending or confirmed assignments made in
    # the last ``workload_period_days`` days is not drawn (a person may override it).
    workload_limit: int = 5
    workload_period_days: int = 365
    # Inspectors drawn per inspection target unless the check item asks for more.
    min_inspectors_per_target: int = 2
    # Portal (政务服务网): accepted distance of a signed request's timestamp from now, in seconds.
    portal_signature_window_seconds: int = 300
    # Portal webhooks: seconds to wait for an answer, attempts per event before it is
    # dead-lettered, and the first retry delay (doubling, with jitter).
    portal_webhook_timeout_seconds: float = 5.0
    portal_delivery_attempts: int = 8
    portal_delivery_backoff_seconds: int = 10
    # Case numbers (办件编号): year + this administrative division code + sequence.
    portal_case_region_code: str = "120000"
    # Decision document numbers (决定书文号): prefix〔year〕sequence号.
    portal_decision_prefix: str = "津市监资认"

    def __post_init__(self):
        reading, known = self.certificate_validity_end, " or ".join(VALIDITY_READINGS)
        if reading not in VALIDITY_READINGS:
            raise ValueError(f"unknown certificate validity end '{reading}' (use {known})")
