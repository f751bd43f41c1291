"""Deployments and versioned process definitions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workflows.persistence.database import Base, JSONType
from workflows.persistence.models.types import UTCDateTime


class Deployment(Base):
    __tablename__ = "deployments"

    id: Mapped[int] = mapped_column(primary_key=True)
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deployed_by: Mapped[str] = mapped_column(String(255))
    files: Mapped[list] = mapped_column(JSONType)


class ProcessDefinition(Base):
    """One version of one executable process.

    ``spec_json`` holds SpiffWorkflow's serialized spec (the process and its
    embedded subprocesses), parsed once at deployment, in which each human task
    names the hash of its form; ``forms`` maps form file names to those hashes so
    a later version can reuse them. A version never changes under running instances.
    """

    __tablename__ = "process_definitions"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), index=True)
    version: Mapped[int]
    name: Mapped[str | None] = mapped_column(String(255))
    content_hash: Mapped[str] = mapped_column(String(64))
    resource_name: Mapped[str] = mapped_column(String(255))
    bpmn_xml: Mapped[str] = mapped_column(Text, deferred=True)
    spec_json: Mapped[str] = mapped_column(Text, deferred=True)
    called_keys: Mapped[list] = mapped_column(JSONType)
    forms: Mapped[dict] = mapped_column(JSONType)
    start_form: Mapped[str | None] = mapped_column(String(64))
    lane_groups: Mapped[list] = mapped_column(JSONType)
    starter_groups: Mapped[list] = mapped_column(JSONType)
    properties: Mapped[dict] = mapped_column(JSONType, default=dict)
    deployment_id: Mapped[int] = mapped_column(ForeignKey("deployments.id"))
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Form(Base):
    """A form's JSON Schema and UI schema, stored once per distinct content."""

    __tablename__ = "forms"

    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    schema: Mapped[dict] = mapped_column(JSONType)
    ui_schema: Mapped[dict | None] = mapped_column(JSONType)
