"""Where a case's review team (评审组) stands: who confirmed, who is pending, who must be replaced."""

from __future__ import annotations

from sqlalchemy import select

from workflows.persistence.models import Assignment, DrawRecord

_REPLACE = ("declined", "expired", "released")


def review_team_status(uow, now, business_key: str, expire_pending: bool = False) -> dict:
    """The team of the case's latest successful draw, each member with their seat's status.

    With ``expire_pending`` (the confirmation deadline passed), unanswered seats expire and
    their people are listed for replacement, like those who declined.
    """
    draw = _latest_team_draw(uow, business_key)
    if draw is None:
        return _standing(None, [])
    seats = _latest_seats(uow, business_key)
    members = []
    for member in draw.result.get("team", []):
        seat = seats.get(member["person_id"])
        if expire_pending and seat is not None and seat.status == "pending":
            seat.status, seat.responded_at = "expired", now
        status = seat.status if seat is not None else "pending"
        members.append({**member, "draw_id": seat.draw_id if seat else draw.id, "status": status})
    return _standing(draw.id, members)


def _standing(draw_id: int | None, members: list[dict]) -> dict:
    """The team's members with who is pending, who must be replaced and the confirmed leader;
    complete when every seat is confirmed and there is a leader."""
    pending = [m for m in members if m["status"] == "pending"]
    replace = [m["person_id"] for m in members if m["status"] in _REPLACE]
    leader = next((m for m in members if m["role"] == "leader" and m["status"] == "confirmed"), None)
    return {
        "draw_id": draw_id,
        "members": members,
        "pending": pending,
        "replace": replace,
        "leader": leader,
        "complete": not pending and not replace and leader is not None,
    }


def _latest_team_draw(uow, business_key: str) -> DrawRecord | None:
    """The case's latest successful review team draw."""
    return uow.session.scalar(
        select(DrawRecord)
        .where(
            DrawRecord.business_key == business_key, DrawRecord.kind == "review_team", DrawRecord.ok.is_(True)
        )
        .order_by(DrawRecord.id.desc())
        .limit(1)
    )


def _latest_seats(uow, business_key: str) -> dict[int, Assignment]:
    seats = uow.session.scalars(
        select(Assignment)
        .where(Assignment.business_key == business_key, Assignment.role.in_(("leader", "member")))
        .order_by(Assignment.id)
    )
    return {seat.person_id: seat for seat in seats}
