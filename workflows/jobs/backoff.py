"""The retry delay of everything that retries: failing jobs and webhook deliveries."""

from __future__ import annotations

import random
from datetime import timedelta


def retry_delay(first_seconds: float, attempts: int, at_most_seconds: float | None = None) -> timedelta:
    """Exponential backoff with jitter: ``first_seconds`` × 2ⁿ⁻¹ after the n-th failed attempt,
    capped at ``at_most_seconds`` when given, then up to 25% longer, so that retries of many
    jobs failing together spread out instead of arriving at once."""
    delay = first_seconds * 2 ** (attempts - 1)
    if at_most_seconds is not None:
        delay = min(delay, at_most_seconds)
    return timedelta(seconds=delay * (1 + random.random() / 4))
