"""What the engine needs from its host, passed in by the entry points."""

from __future__ import annotations

from dataclasses import dataclass, field

from .clock import SystemClock


@dataclass
class EngineConfig:
    clock: object = field(default_factory=SystemClock)
    # Deepest task-tree level a case may reach; SpiffWorkflow stops iterating at 1,000,
    # so a case that loops further is put in error instead of silently losing tasks.
    max_task_depth: int = 900
    # Prefix of issued certificate numbers: year + this + sequence (CMA numbering).
    certificate_region_code: str = "12"
