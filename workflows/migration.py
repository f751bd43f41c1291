"""Migrating running cases to another version of their definition (administrators).

One case (``migrate_instance``) or every case of a version (``migrate_definition``, with a
dry run that changes nothing). A case moves when its history and its open steps all exist in
the new version with the same type (``engine.spec_migration``); otherwise it is reported with
the reasons and left as it is. A moved case runs on the new version from then on: its
definition, called processes and worklist rows follow, and the move is audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from workflows.access import require_admin
from workflows.engine import projection, runtime, spec_migration
from workflows.errors import Conflict, NotFound
from workflows.instances import InstanceView, instance_view, is_uuid
from workflows.persistence import audit
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import ACTIVE_STATUSES, ProcessDefinition, ProcessInstance


@dataclass
class MigrationResult:
    instance_id: str
    business_key: str | None
    status: str
    from_version: int
    to_version: int
    migratable: bool
    migrated: bool = False
    problems: list[dict] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)


def migrate_instance(config, actor, instance_id: str, version: int) -> InstanceView:
    """Move one case to ``version`` of its process; a case that cannot move is a conflict
    listing the reasons, and nothing changes."""
    require_admin(actor, "migrate cases")
    if not is_uuid(instance_id):
        raise NotFound(f"process instance {instance_id} does not exist")
    with UnitOfWork(config.sessions) as uow:
        row = runtime.lock_instance(uow, instance_id)
        target = _definition(uow, row.process_key, version)
        result = _migrate(config, uow, actor, row, target, dry_run=False)
        if not result.migratable:
            reasons = "; ".join(f"{p['element'] or '-'}: {p['problem']}" for p in result.problems)
            raise Conflict(f"the case cannot move to version {version}: {reasons}", problems=result.problems)
        uow.commit()
        return instance_view(uow, row, config.clock.now())


def migrate_definition(
    config, actor, key: str, from_version: int, to_version: int, dry_run: bool
) -> list[MigrationResult]:
    """Every case of ``key`` version ``from_version``, each reported migratable or why not;
    unless ``dry_run``, each migratable case is moved in a transaction of its own."""
    require_admin(actor, "migrate cases")
    with UnitOfWork(config.sessions) as uow:
        source = _definition(uow, key, from_version)
        _definition(uow, key, to_version)
        ids = list(
            uow.session.scalars(
                select(ProcessInstance.id)
                .where(ProcessInstance.definition_id == source.id)
                .order_by(ProcessInstance.started_at, ProcessInstance.id)
            )
        )
    results = []
    for instance_id in ids:
        with UnitOfWork(config.sessions) as uow:
            row = runtime.lock_instance(uow, instance_id)
            result = _migrate(config, uow, actor, row, _definition(uow, key, to_version), dry_run)
            if result.migrated:
                uow.commit()
        results.append(result)
    return results


def _definition(uow, key: str, version: int) -> ProcessDefinition:
    definition = uow.session.scalar(
        select(ProcessDefinition).where(ProcessDefinition.key == key, ProcessDefinition.version == version)
    )
    if definition is None:
        raise NotFound(f"process definition '{key}' version {version} does not exist")
    return definition


def _migrate(config, uow, actor, row: ProcessInstance, target: ProcessDefinition, dry_run: bool):
    current = uow.session.get(ProcessDefinition, row.definition_id)
    result = MigrationResult(row.id, row.business_key, row.status, current.version, target.version, False)
    if row.status not in ACTIVE_STATUSES:
        result.problems.append({"element": None, "problem": f"the case is {row.status}"})
        return result
    if target.version <= current.version:
        result.problems.append(
            {"element": None, "problem": f"the case is on version {current.version} already"}
        )
        return result
    workflow = runtime.open_workflow(config, uow, row)
    called = runtime.resolve_called(uow, target)
    new_spec, new_subprocess_specs = runtime.definition_specs(uow, target, called)
    plan = spec_migration.plan_migration(workflow, new_spec, new_subprocess_specs)
    result.problems, result.changed = plan.problems, plan.changed
    if not plan.problems:
        spec_migration.migrate(workflow, plan, new_spec, new_subprocess_specs)
        stale = spec_migration.stale_tasks(workflow)
        result.problems = [{"element": e, "problem": "not in the new version"} for e in stale]
    result.migratable = not result.problems
    if not result.migratable or dry_run:
        return result
    _switch(config, uow, actor, row, workflow, current, target, called, plan.changed)
    result.migrated = True
    return result


def _switch(config, uow, actor, row, workflow, current, target, called, changed) -> None:
    row.definition_id, row.called_definitions = target.id, called
    audit.record(
        uow,
        actor,
        "instance_migrated",
        config.clock.now(),
        row,
        from_version=current.version,
        to_version=target.version,
        changed_open_elements=changed,
    )
    if row.status == "running":
        runtime.run(config, uow, row, workflow, actor)
    runtime.save(config, uow, row, workflow, actor)
    projection.refresh_open_task_rows(uow, row, workflow)
