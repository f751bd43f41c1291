"""Assignments handed out by draws: responses, redraw bookkeeping, the sanctions record."""

from __future__ import annotations

from sqlalchemy import func, select

from workflows.access import is_staff
from workflows.errors import Conflict, FieldError, InvalidInput, NotFound, NotPermitted
from workflows.persistence import audit
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import Assignment, DrawRecord
from workflows.persistence.models.registries import ASSIGNMENT_STATUSES, BUSY_STATUSES

# Which status may follow which; declined, expired and released are final.
_NEXT = {"pending": set(ASSIGNMENT_STATUSES) - {"pending"}, "confirmed": {"declined", "released", "expired"}}


def add_assignments(uow, draw: DrawRecord, seats: list[dict], credit_code: str | None) -> None:
    """One pending assignment per seat (``person_id`` and ``role``) of a successful draw."""
    for seat in seats:
        uow.session.add(
            Assignment(
                person_id=seat["person_id"],
                draw_id=draw.id,
                business_key=draw.business_key,
                credit_code=seat.get("credit_code", credit_code),
                role=seat["role"],
                status="pending",
                assigned_at=draw.drawn_at,
            )
        )


def kept_team(uow, previous_draw_id: int, business_key: str, exclude: list[int], at) -> list[dict]:
    """The previous team minus the people who left it; the excluded people's open seats become declined.

    A previous draw that failed had no team of its own: the members it was to keep are kept.
    """
    previous = uow.session.get(DrawRecord, previous_draw_id)
    if previous is None or previous.kind != "review_team" or previous.business_key != business_key:
        raise InvalidInput(
            f"draw {previous_draw_id} is not a review team draw of case '{business_key}'",
            [FieldError("/previous_draw_id", "no review team draw of this case has this id")],
        )
    open_seats = uow.session.scalars(
        select(Assignment).where(
            Assignment.business_key == business_key,
            Assignment.role.in_(("leader", "member")),
            Assignment.status.in_(BUSY_STATUSES),
        )
    )
    busy = {a.person_id: a for a in open_seats}
    for person_id in exclude:
        if (seat := busy.pop(person_id, None)) is not None:
            seat.status, seat.responded_at = "declined", at
    team = previous.result.get("team", []) if previous.ok else previous.parameters.get("kept", [])
    return [m for m in team if m["person_id"] in busy]


def set_assignment_status(uow, config, actor, draw_id: int, person_id: int, status: str) -> Assignment:
    """Record a response (confirmed, declined) or an end (expired, released) of a seat; audited."""
    seat = uow.session.scalar(
        select(Assignment).where(Assignment.draw_id == draw_id, Assignment.person_id == person_id)
    )
    if seat is None:
        raise NotFound(f"draw {draw_id} gave person {person_id} no assignment")
    if status not in _NEXT.get(seat.status, set()):
        raise Conflict(f"an assignment that is {seat.status} cannot become {status}")
    seat.status, seat.responded_at = status, config.clock.now()
    event = audit.record(
        uow,
        actor,
        "assignment_updated",
        seat.responded_at,
        draw_id=draw_id,
        person_id=person_id,
        status=status,
    )
    event.business_key = seat.business_key
    return seat


def list_assignments(config, actor, filters: dict, page: int, page_size: int) -> tuple[list[Assignment], int]:
    """Assignments, newest first; the record that workload counts and sanctions rely on."""
    if not is_staff(actor):
        raise NotPermitted("registries are for bureau staff")
    stmt = select(Assignment)
    for name in ("person_id", "draw_id", "business_key", "status", "role"):
        if filters.get(name) is not None:
            stmt = stmt.where(getattr(Assignment, name) == filters[name])
    with UnitOfWork(config.sessions) as uow:
        total = uow.session.scalar(select(func.count()).select_from(stmt.subquery()))
        rows = uow.session.scalars(
            stmt.order_by(Assignment.assigned_at.desc(), Assignment.id.desc())
            .offset((page - 1) * page_size)
            .limit(page_size)
        ).all()
        return list(rows), total
