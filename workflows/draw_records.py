"""Reading and replaying draw records: the audit side of random draws (抽取记录).

A draw record is read by the groups that run draws and by the groups a draw
concerns. Replaying recomputes the result from the stored candidates,
exclusions, parameters and seed, and says whether it matches what was recorded.
"""

from __future__ import annotations

from . import audit
from .database import UnitOfWork
from .draws import ALGORITHM_VERSION, run_draw
from .errors import Conflict, NotFound, NotPermitted
from .models import DrawRecord

READERS = {"admin", "supervisor", "review_center"}
INVOLVED = {"review_team": {"reviewer", "team_leader"}, "targets": {"inspector"}, "inspectors": {"inspector"}}


def get_draw(actor, draw_id: int) -> DrawRecord:
    """A draw record, for the groups that run draws and the groups a draw concerns."""
    with UnitOfWork() as uow:
        return _readable(uow, actor, draw_id)


def _readable(uow, actor, draw_id: int) -> DrawRecord:
    record = uow.session.get(DrawRecord, draw_id)
    if record is None:
        raise NotFound(f"draw {draw_id} does not exist")
    if not actor.in_any(READERS | INVOLVED[record.kind]):
        raise NotPermitted("your groups may not read this draw")
    return record


def replay_draw(config, actor, draw_id: int) -> dict:
    """Recompute a draw from its stored candidates, exclusions, parameters and seed; audited."""
    with UnitOfWork() as uow:
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
