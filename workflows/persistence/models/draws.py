"""The record of every random draw: enough to show how it was made and to replay it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from workflows.persistence.database import Base, JSONType
from workflows.persistence.models.types import UTCDateTime

DRAW_KINDS = ("review_team", "targets", "inspectors")


class DrawRecord(Base):
    """One draw: who drew, when, the seed, every candidate, every exclusion, the result.

    ``seed`` is a 64-bit unsigned integer kept as decimal text (it does not fit a
    signed BIGINT). ``candidates`` is the sorted snapshot of every candidate
    considered with the attributes the algorithm used; ``exclusions`` lists each
    excluded candidate with a reason code and reason; recomputing the algorithm of
    ``algorithm_version`` from these and ``parameters`` gives ``result`` again.
    """

    __tablename__ = "draw_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    business_key: Mapped[str] = mapped_column(String(255), index=True)
    seed: Mapped[str] = mapped_column(String(20))
    drawn_by: Mapped[str] = mapped_column(String(255))
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime())
    parameters: Mapped[dict] = mapped_column(JSONType)
    candidates: Mapped[list] = mapped_column(JSONType)
    exclusions: Mapped[list] = mapped_column(JSONType)
    result: Mapped[dict] = mapped_column(JSONType)
    ok: Mapped[bool]
    algorithm_version: Mapped[str] = mapped_column(String(32))
    previous_draw_id: Mapped[int | None] = mapped_column(ForeignKey("draw_records.id"))
