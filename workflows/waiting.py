"""What a waiting case waits for: its pending timers, message subscriptions and other jobs."""

from __future__ import annotations

from sqlalchemy import select

from workflows.persistence.models import Job, MessageSubscription


def waiting_for(uow, row) -> dict:
    """Timers (element, due), message subscriptions (name, correlation) and jobs (kind, due,
    attempts) of the case, soonest first."""
    jobs = uow.session.scalars(
        select(Job).where(Job.instance_id == row.id).order_by(Job.due_at, Job.id)
    ).all()
    subscriptions = uow.session.scalars(
        select(MessageSubscription)
        .where(MessageSubscription.instance_id == row.id)
        .order_by(MessageSubscription.id)
    ).all()
    return {
        "timers": [
            {"element_id": j.payload.get("element_id"), "due_at": j.due_at, "state": j.state}
            for j in jobs
            if j.kind == "timer"
        ],
        "messages": [
            {
                "name": s.name,
                "element_id": s.element_id,
                "business_key": s.business_key,
                "correlations": s.correlations or {},
            }
            for s in subscriptions
        ],
        "jobs": [
            {"id": j.id, "kind": j.kind, "due_at": j.due_at, "attempts": j.attempts, "state": j.state}
            for j in jobs
            if j.kind != "timer"
        ],
    }
