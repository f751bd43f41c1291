"""Reading and replaying draw records: the audit side of random draws (抽取记录).

The groups that run and oversee draws (admin, supervisor, review_center) read every
record. Anyone else reads only the draws they are part of, as the pool person whose
``username`` is their account: drawn into the team or as an inspector (an inspector also
reads the targets draw of their plan); other people's conflict-of-interest exclusions (回避)
are left out for them. Replaying recomputes the result from the stored candidates,
exclusions, parameters and seed, and says whether it matches what was recorded.
"""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import select

from workflows.access import may_read_every_draw
from workflows.draws.algorithms import ALGORITHM_VERSION, run_draw
from workflows.errors import Conflict, NotFound, NotPermitted
from workflows.persistence import audit
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import DrawRecord, Person


def get_draw(config, actor, draw_id: int):
    """A draw record as ``actor`` may see it."""
    with UnitOfWork(config.sessions) as uow:
        return _as_seen(uow, actor, _readable(uow, actor, draw_id))


def case_draws(config, actor, business_key: str | None) -> list:
    """The draws of a case (by business key), oldest first: those ``actor`` may read, as they may."""
    if not business_key:
        return []
    with UnitOfWork(config.sessions) as uow:
        records = uow.session.scalars(
            select(DrawRecord).where(DrawRecord.business_key == business_key).order_by(DrawRecord.id)
        ).all()
        if may_read_every_draw(actor):
            return list(records)
        own = _person_ids(uow, actor)
        return [_as_seen(uow, actor, r) for r in records if _part_of(uow, r, own)]


def _as_seen(uow, actor, record: DrawRecord):
    if may_read_every_draw(actor):
        return record
    own = _person_ids(uow, actor)
    shown = SimpleNamespace(**{c: getattr(record, c) for c in DrawRecord.__table__.columns.keys()})
    shown.exclusions = [
        e for e in record.exclusions if e.get("code") != "conflict" or e.get("person_id") in own
    ]
    return shown


def _readable(uow, actor, draw_id: int) -> DrawRecord:
    record = uow.session.get(DrawRecord, draw_id)
    if record is None:
        raise NotFound(f"draw {draw_id} does not exist")
    if not (may_read_every_draw(actor) or _part_of(uow, record, _person_ids(uow, actor))):
        raise NotPermitted("only the people drawn and the groups that oversee draws may read this draw")
    return record


def _person_ids(uow, actor) -> set[int]:
    return set(uow.session.scalars(select(Person.id).where(Person.username == actor.name)))


def _part_of(uow, record: DrawRecord, person_ids: set[int]) -> bool:
    if not person_ids:
        return False
    if record.kind == "targets":
        plan = uow.session.scalars(
            select(DrawRecord).where(
                DrawRecord.business_key == record.business_key, DrawRecord.kind == "inspectors"
            )
        )
        return any(_drawn_people(r) & person_ids for r in plan)
    return bool(_drawn_people(record) & person_ids)


def _drawn_people(record: DrawRecord) -> set[int]:
    """The people a draw's result seats (team members, inspectors)."""
    result = record.result or {}
    if record.kind == "review_team":
        return {m["person_id"] for m in result.get("team", [])}
    if record.kind == "inspectors":
        return {i["person_id"] for a in result.get("assignments", []) for i in a["inspectors"]}
    return set()


def replay_draw(config, actor, draw_id: int) -> dict:
    """Recompute a draw from its stored candidates, exclusions, parameters and seed; audited."""
    with UnitOfWork(config.sessions) as uow:
        record = _readable(uow, actor, draw_id)
        if record.algorithm_version != ALGORITHM_VERSION:
            raise Conflict(
                f"draw {draw_id} used algorithm version {record.algorithm_version}; "
                f"this server runs version {ALGORITHM_VERSION}"
            )
        recorded = record.result
        recomputed = run_draw(
            record.kind, record.candidates, record.exclusions, record.parameters, int(record.seed)
        )
        view = {
            "draw_id": record.id,
            "seed": record.seed,
            "algorithm_version": record.algorithm_version,
            "matches": recomputed == recorded,
            "recorded": recorded,
            "recomputed": recomputed,
        }
        event = audit.record(
            uow, actor, "draw_replayed", config.clock.now(), draw_id=record.id, matches=view["matches"]
        )
        event.business_key = record.business_key
        uow.commit()
        return view
