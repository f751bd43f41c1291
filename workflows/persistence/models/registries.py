"""The registries ("one list, two pools" 一单两库): people pools, institutions, check items.

People pools hold reviewers (评审员), technical experts (技术专家) and inspectors
(执法检查人员); conflicts of interest record why someone must recuse (回避);
assignments are what draws hand out, counted for workload and kept for sanctions.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workflows.persistence.database import Base, JSONType
from workflows.persistence.models.types import UTCDateTime

PERSON_KINDS = ("reviewer", "expert", "inspector")
CONFLICT_KINDS = ("employment", "consulting", "family", "other")
INSTITUTION_TYPES = (
    "testing_institution",
    "certification_body",
    "motor_vehicle_inspection",
    "civil_air_defense_testing",
    "drug_testing",
    "other",
)
CREDIT_CLASSES = ("A", "B", "C", "D")
CERTIFICATE_STATUSES = ("none", "valid", "suspended", "revoked")
ASSIGNMENT_ROLES = ("leader", "member", "inspector")
ASSIGNMENT_STATUSES = ("pending", "confirmed", "declined", "expired", "released")
BUSY_STATUSES = ("pending", "confirmed")


class Person(Base):
    """A reviewer, technical expert or inspector; ``username`` receives their tasks."""

    __tablename__ = "registry_people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), index=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    username: Mapped[str | None] = mapped_column(String(255), unique=True)
    can_lead: Mapped[bool] = mapped_column(default=False)
    fields: Mapped[list] = mapped_column(JSONType)
    district: Mapped[str | None] = mapped_column(String(64))
    department: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)
    workload_limit: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ConflictOfInterest(Base):
    """A tie between a person and an institution; ``end_date`` None means ongoing."""

    __tablename__ = "registry_conflicts"
    __table_args__ = (Index("ix_registry_conflicts_credit_code_person_id", "credit_code", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("registry_people.id"), index=True)
    credit_code: Mapped[str] = mapped_column(String(18))
    kind: Mapped[str] = mapped_column(String(16))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Institution(Base):
    """An inspection target (检查对象), identified by its unified social credit code."""

    __tablename__ = "registry_institutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    district: Mapped[str | None] = mapped_column(String(64), index=True)
    type: Mapped[str] = mapped_column(String(32), index=True)
    credit_class: Mapped[str] = mapped_column(String(1), default="A")
    certificate_status: Mapped[str] = mapped_column(String(16), default="none")
    certificate_no: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CheckItem(Base):
    """One line of the check item list (抽查事项清单)."""

    __tablename__ = "registry_check_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    legal_basis: Mapped[str | None] = mapped_column(Text)
    target_type: Mapped[str] = mapped_column(String(32))
    proportion: Mapped[float]
    frequency: Mapped[str | None] = mapped_column(String(64))
    method: Mapped[str | None] = mapped_column(String(255))
    inspector_requirements: Mapped[dict] = mapped_column(JSONType)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Assignment(Base):
    """A seat a draw gave a person, with their response; the sanctions record keeps these."""

    __tablename__ = "registry_assignments"
    __table_args__ = (Index("ix_registry_assignments_person_id_status", "person_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("registry_people.id"))
    draw_id: Mapped[int] = mapped_column(ForeignKey("draw_records.id"), index=True)
    business_key: Mapped[str] = mapped_column(String(255), index=True)
    credit_code: Mapped[str | None] = mapped_column(String(18))
    role: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime())
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
