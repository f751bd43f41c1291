"""The designers' studio: deployed versions with their running cases, a version's diagram and
forms to edit, checking or deploying the edited version, and what changed between versions.

Only process designers use the studio. An edited version is deployed through
``deployments`` like any upload, with every form of the version it was opened from carried
along (the edited ones replaced), so it becomes the process's next version; running cases
stay on the version they started on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from workflows import deployments
from workflows.access import may_deploy
from workflows.definition_changes import ElementChanges, element_changes
from workflows.diagrams import positions
from workflows.engine.forms import SCHEMA_SUFFIX, UI_SUFFIX
from workflows.errors import NotFound, NotPermitted
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import (
    ACTIVE_STATUSES,
    Deployment,
    Form,
    ProcessDefinition,
    ProcessInstance,
)


@dataclass
class VersionSummary:
    """One deployed version with its number of running cases (running, suspended or in error)."""

    key: str
    version: int
    name: str | None
    deployed_at: datetime
    deployed_by: str
    running: int


@dataclass
class FormSource:
    name: str
    schema: dict
    ui_schema: dict | None


@dataclass
class VersionSource:
    """What the modeler opens: the diagram and the forms of one version."""

    key: str
    version: int
    name: str | None
    resource_name: str
    xml: str
    forms: list[FormSource]


@dataclass
class AffectedCase:
    id: str
    business_key: str | None
    status: str
    # the changed or removed elements the case waits at
    elements: list[str]


@dataclass
class Comparison:
    key: str
    old: VersionSource
    new: VersionSource
    changes: ElementChanges
    # running cases of the old version waiting at a changed or removed element
    affected: list[AffectedCase]


def require_designer(actor) -> None:
    if not may_deploy(actor):
        raise NotPermitted("only process designers may use the studio")


def list_versions(config, actor, key: str | None = None) -> list[VersionSummary]:
    """Every version of every process (or of ``key``), the newest version first within a key."""
    require_designer(actor)
    running = (
        select(ProcessInstance.definition_id, func.count().label("n"))
        .where(ProcessInstance.status.in_(ACTIVE_STATUSES))
        .group_by(ProcessInstance.definition_id)
        .subquery()
    )
    stmt = (
        select(ProcessDefinition, Deployment.deployed_by, func.coalesce(running.c.n, 0))
        .join(Deployment, Deployment.id == ProcessDefinition.deployment_id)
        .outerjoin(running, running.c.definition_id == ProcessDefinition.id)
        .order_by(ProcessDefinition.key, ProcessDefinition.version.desc())
    )
    if key is not None:
        stmt = stmt.where(ProcessDefinition.key == key)
    with UnitOfWork(config.sessions) as uow:
        return [
            VersionSummary(d.key, d.version, d.name, d.deployed_at, by, count)
            for d, by, count in uow.session.execute(stmt)
        ]


def version_source(config, actor, key: str, version: int) -> VersionSource:
    require_designer(actor)
    with UnitOfWork(config.sessions) as uow:
        return _source(uow, _definition(uow, key, version))


def validate_version(config, actor, key: str, version: int, xml: str, forms: dict) -> deployments.Validation:
    """Check the edited diagram and forms as a deployment would, without deploying them."""
    require_designer(actor)
    return deployments.validate_definitions(config, actor, _files(config, key, version, xml, forms))


def deploy_version(config, actor, key: str, version: int, xml: str, forms: dict):
    """Deploy the edited diagram and forms: the process's next version (unchanged content
    keeps its version)."""
    require_designer(actor)
    return deployments.deploy_definitions(config, actor, _files(config, key, version, xml, forms))


def compare_versions(config, actor, key: str, old: int, new: int) -> Comparison:
    """The elements added, removed and changed from ``old`` to ``new``, and the running cases
    of ``old`` that wait at a changed or removed element (a migration would move them)."""
    require_designer(actor)
    with UnitOfWork(config.sessions) as uow:
        before, after = _definition(uow, key, old), _definition(uow, key, new)
        changes = element_changes(before.bpmn_xml, after.bpmn_xml)
        touched = set(changes.changed) | set(changes.removed)
        cases = uow.session.execute(
            select(ProcessInstance.id, ProcessInstance.business_key, ProcessInstance.status)
            .where(ProcessInstance.definition_id == before.id, ProcessInstance.status.in_(ACTIVE_STATUSES))
            .order_by(ProcessInstance.started_at, ProcessInstance.id)
        ).all()
        waiting = positions(uow, [c.id for c in cases])
        affected = [
            AffectedCase(c.id, c.business_key, c.status, sorted(waiting[c.id] & touched))
            for c in cases
            if waiting.get(c.id, set()) & touched
        ]
        return Comparison(key, _source(uow, before), _source(uow, after), changes, affected)


def _definition(uow, key: str, version: int) -> ProcessDefinition:
    definition = uow.session.scalar(
        select(ProcessDefinition).where(ProcessDefinition.key == key, ProcessDefinition.version == version)
    )
    if definition is None:
        raise NotFound(f"process definition '{key}' version {version} does not exist")
    return definition


def _source(uow, definition: ProcessDefinition) -> VersionSource:
    forms = [
        FormSource(name, form.schema, form.ui_schema)
        for name, digest in sorted(definition.forms.items())
        if (form := uow.session.get(Form, digest)) is not None
    ]
    return VersionSource(
        definition.key,
        definition.version,
        definition.name,
        definition.resource_name,
        definition.bpmn_xml,
        forms,
    )


def _files(config, key: str, version: int, xml: str, edited: dict[str, dict]) -> list[tuple[str, bytes]]:
    """The files of a deployment of the edited version: its diagram, the version's forms with
    the edited ones (JSON text, ``schema`` and ``ui_schema``) in their place."""
    with UnitOfWork(config.sessions) as uow:
        source = _source(uow, _definition(uow, key, version))
    files = [(source.resource_name, xml.encode())]
    texts = {f.name: {"schema": _json(f.schema), "ui_schema": _json(f.ui_schema)} for f in source.forms}
    texts.update(edited)
    for name, form in sorted(texts.items()):
        files.append((name, (form.get("schema") or "").encode()))
        if name.endswith(SCHEMA_SUFFIX) and (form.get("ui_schema") or "").strip():
            files.append((name.removesuffix(SCHEMA_SUFFIX) + UI_SUFFIX, form["ui_schema"].encode()))
    return files


def _json(value) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, indent=2)
