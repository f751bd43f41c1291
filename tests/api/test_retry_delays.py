"""Failing jobs and webhook deliveries retry on one schedule: the first delay doubling with
each attempt, up to 25% longer (jitter); deliveries wait at most an hour before jitter."""

from sqlalchemy import select

from api.database import db
from workflows.persistence.models import Job

from ..factories import run_worker


def _due_in(app, clock, dedup_key) -> float:
    with app.app_context():
        due = db.session.scalar(select(Job.due_at).where(Job.dedup_key == dedup_key))
    return (due - clock.now()).total_seconds()


def test_webhook_retries_double_until_they_wait_an_hour(portal, receiver, app, clock, engine_config):
    engine_config.portal_delivery_attempts = 12
    receiver.plan.extend([500] * 10)
    case_no = portal.submit()["case_no"]
    delays = []
    for _ in range(10):
        run_worker(app)
        delays.append(_due_in(app, clock, f"portal_delivery:{case_no}"))
        clock.advance(hours=2)
    for attempt, delay in enumerate(delays, start=1):
        expected = min(10 * 2 ** (attempt - 1), 3600)
        assert expected <= delay <= expected * 1.25, (attempt, delay)
