"""Deploying BPMN, DMN and form files as new process definition versions."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from sqlalchemy import func, select

from workflows.access import may_deploy, may_read_definitions
from workflows.engine import message_specs
from workflows.engine.checks import check_call_cycles, check_document, check_process
from workflows.engine.forms import SCHEMA_SUFFIX, UI_SUFFIX, camunda_form_schema, form_hash, load_json_file
from workflows.engine.parsing import ParsedProcess, parse_processes, user_task_specs
from workflows.engine.runtime import latest_definition
from workflows.engine.serialization import dump_specs
from workflows.errors import InvalidInput, NotFound, NotPermitted
from workflows.jobs.timers import schedule_start_timers
from workflows.persistence import audit
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import Deployment, Form, ProcessDefinition, User

BPMN_SUFFIXES = (".bpmn", ".bpmn20.xml")
DMN_SUFFIXES = (".dmn",)


@dataclass
class DeployedProcess:
    key: str
    version: int
    id: int
    name: str | None
    changed: bool
    # Non-blocking findings: {"element", "detail"} each (what the engine ignores or cannot staff).
    warnings: list[dict] = field(default_factory=list)


@dataclass
class Validation:
    """What a deployment of some files would say, without deploying them."""

    ok: bool
    # {"element", "file", "detail", "severity": "error" | "warning"} each
    problems: list[dict]
    # the versions the deployment would create (or keep, when unchanged)
    processes: list[DeployedProcess]


def deploy_definitions(config, actor, files: list[tuple[str, bytes]]) -> list[DeployedProcess]:
    """Parse and validate ``files`` and store a new version of every changed process.

    Deploying unchanged content is idempotent: the process keeps its version.
    """
    with UnitOfWork(config.sessions) as uow:
        results = _deploy(config, uow, actor, files)
        uow.commit()
    return results


def validate_definitions(config, actor, files: list[tuple[str, bytes]]) -> Validation:
    """Run every check of a deployment of ``files`` without deploying: the same path as
    ``deploy_definitions`` in a unit of work that is rolled back instead of committed.

    The first blocking problem ends the checks (as it ends a deployment); warnings follow
    it when there is none.
    """
    with UnitOfWork(config.sessions) as uow:
        try:
            results = _deploy(config, uow, actor, files)
        except InvalidInput as exc:
            problem = {"element": exc.element, "file": exc.file, "detail": exc.detail, "severity": "error"}
            return Validation(ok=False, problems=[problem], processes=[])
    warnings = [{**w, "severity": "warning"} for r in results for w in r.warnings]
    return Validation(ok=True, problems=warnings, processes=results)


def _deploy(config, uow, actor, files: list[tuple[str, bytes]]) -> list[DeployedProcess]:
    """Check ``files`` and add their changed processes to ``uow`` (not committed)."""
    if not may_deploy(actor):
        raise NotPermitted("only process designers may deploy")
    bpmn, dmn, forms = _classify(files, config.max_json_depth)
    bpmn.update(_bpmn_for_forms_only(uow, bpmn, forms))
    if not bpmn:
        raise InvalidInput("the deployment holds no BPMN file (.bpmn)")
    processes = parse_processes(bpmn, dmn, check_document)
    _check_unique_keys(processes)
    known = {p.key for p in processes} | set(uow.session.scalars(select(ProcessDefinition.key)))
    for process in processes:
        check_process(process, known)
    check_call_cycles(processes, _deployed_calls(uow))
    deployment = Deployment(
        deployed_at=config.clock.now(),
        deployed_by=actor.name,
        files=[{"name": n, "sha256": hashlib.sha256(c).hexdigest()} for n, c in files],
    )
    uow.session.add(deployment)
    uow.flush()
    staffed = _staffed_groups(uow)
    results = [_store(config, uow, actor, deployment, p, dmn, forms) for p in processes]
    for process, result in zip(processes, results, strict=True):
        result.warnings = process.warnings + _unstaffed_tasks(process, staffed)
    return results


def _classify(files, max_json_depth: int):
    bpmn, dmn, forms = {}, {}, {}
    if not files:
        raise InvalidInput("no files were uploaded")
    for name, content in files:
        lower = name.lower()
        if lower.endswith(BPMN_SUFFIXES):
            bpmn[name] = content
        elif lower.endswith(DMN_SUFFIXES):
            dmn[name] = content
        elif lower.endswith(".json"):
            forms[name] = load_json_file(name, content, max_json_depth)
        else:
            raise InvalidInput(f"{name}: only .bpmn, .dmn and form .json files can be deployed", file=name)
    return bpmn, dmn, forms


def _bpmn_for_forms_only(uow, bpmn: dict, forms: dict) -> dict:
    """Forms uploaded alone redeploy the latest diagram of the process they belong to."""
    if bpmn or not forms:
        return {}
    extra = {}
    for name in forms:
        folders = name.split("/")[:-1]
        if folders[-1:] == ["messages"] and len(folders) > 1:
            folders.pop()
        key = folders[-1] if folders else None
        definition = latest_definition(uow, key) if key else None
        if definition is None:
            raise InvalidInput(
                f"{name}: a form deployed without its diagram must be named <process_key>/<file>",
                file=name,
            )
        extra[definition.resource_name] = definition.bpmn_xml.encode()
    return extra


def _deployed_calls(uow) -> dict[str, list[str]]:
    """The processes each deployed process calls, in its latest version."""
    rows = uow.session.execute(_latest_only(select(ProcessDefinition.key, ProcessDefinition.called_keys)))
    return {key: called or [] for key, called in rows}


def _latest_only(stmt):
    """``stmt`` on process definitions, restricted to the latest version of each key."""
    latest = (
        select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("version"))
        .group_by(ProcessDefinition.key)
        .subquery()
    )
    return stmt.join(
        latest, (latest.c.key == ProcessDefinition.key) & (latest.c.version == ProcessDefinition.version)
    )


def _check_unique_keys(processes: list[ParsedProcess]) -> None:
    seen = {}
    for p in processes:
        if p.key in seen:
            raise InvalidInput(
                f"process '{p.key}' is defined in both {seen[p.key]} and {p.file}", file=p.file, element=p.key
            )
        seen[p.key] = p.file


def _store(
    config, uow, actor, deployment, process: ParsedProcess, dmn: dict, uploaded: dict
) -> DeployedProcess:
    previous = latest_definition(uow, process.key)
    resolver = _FormResolver(uow, process, uploaded, previous.forms if previous else {})
    start_form = _resolve_forms(resolver, process)
    content_hash = _content_hash(process, dmn, resolver.used)
    if previous is not None and previous.content_hash == content_hash:
        return DeployedProcess(process.key, previous.version, previous.id, previous.name, changed=False)
    definition = ProcessDefinition(
        key=process.key,
        version=(previous.version + 1) if previous else 1,
        name=process.name,
        content_hash=content_hash,
        resource_name=process.file,
        bpmn_xml=process.xml,
        spec_json=dump_specs(process.spec, process.subprocess_specs),
        called_keys=process.called_keys,
        forms=resolver.used,
        start_form=start_form,
        lane_groups=process.lane_groups,
        starter_groups=process.starter_groups,
        properties=process.properties,
        deployment_id=deployment.id,
        deployed_at=deployment.deployed_at,
    )
    uow.session.add(definition)
    uow.flush()
    schedule_start_timers(config, uow, definition, process.spec)
    audit.record(
        uow,
        actor,
        "definition_deployed",
        deployment.deployed_at,
        process_key=process.key,
        version=definition.version,
        deployment_id=deployment.id,
    )
    return DeployedProcess(process.key, definition.version, definition.id, definition.name, changed=True)


def _resolve_forms(resolver, process: ParsedProcess) -> str | None:
    """Find every form the process uses (user tasks, start, message payloads); each user
    task's spec notes its form's hash. Returns the start form's hash."""
    for task_spec in user_task_specs(process):
        meta = task_spec.extensions["meta"]
        meta["form_hash"] = resolver.resolve(task_spec.bpmn_id, meta)
    start_form = resolver.resolve_start()
    specs = (process.spec, *process.subprocess_specs.values())
    for message in sorted(message_specs.caught_message_names(specs)):
        resolver.resolve_message_schema(message)
    return start_form


def _staffed_groups(uow) -> set[str]:
    return {
        group for groups in uow.session.scalars(select(User.groups).where(User.active)) for group in groups
    }


def _unstaffed_tasks(process: ParsedProcess, staffed: set[str]) -> list[dict]:
    """Human tasks whose groups (as written, not computed) have no active user yet."""
    warnings = []
    for task_spec in user_task_specs(process):
        groups = [
            g for g in task_spec.extensions["meta"]["candidate_groups"] if not g.strip().startswith("${")
        ]
        empty = [g for g in groups if g not in staffed]
        if empty:
            lane = f" (lane '{task_spec.lane}')" if task_spec.lane else ""
            warnings.append(
                {
                    "element": task_spec.bpmn_id,
                    "detail": f"nobody is in group {', '.join(repr(g) for g in empty)}{lane} yet: "
                    "its tasks wait until a user is put in the group",
                }
            )
    return warnings


def _content_hash(process: ParsedProcess, dmn: dict, forms_used: dict) -> str:
    digest = hashlib.sha256(process.xml.encode())
    for name in sorted(dmn):
        digest.update(dmn[name])
    for name in sorted(forms_used):
        digest.update(f"{name}={forms_used[name]}".encode())
    return digest.hexdigest()


class _FormResolver:
    """Finds each task's form among the uploaded files and the previous version's forms."""

    def __init__(self, uow, process: ParsedProcess, uploaded: dict, previous: dict):
        self.uow, self.process, self.uploaded, self.previous = uow, process, uploaded, previous
        self.used: dict[str, str] = {}

    def resolve(self, task_id: str, meta: dict) -> str | None:
        if meta.get("form"):
            found = self._find(meta["form"], meta.get("ui_form"))
            if found is None:
                raise InvalidInput(
                    f"{self.process.file} element '{task_id}': the form '{meta['form']}' is neither "
                    "in this deployment nor in the previous version",
                    file=self.process.file,
                    element=task_id,
                )
            return found
        found = self._find(f"{self.process.key}/{task_id}{SCHEMA_SUFFIX}")
        if found is None and meta.get("form_fields"):
            found = self._store(
                f"{self.process.key}/{task_id}{SCHEMA_SUFFIX}", camunda_form_schema(meta["form_fields"]), None
            )
        return found

    def resolve_start(self) -> str | None:
        for task_spec in self.process.spec.task_specs.values():
            meta = (getattr(task_spec, "extensions", None) or {}).get("meta") or {}
            if isinstance(task_spec, StartEvent) and meta.get("form"):
                return self.resolve(task_spec.bpmn_id, meta)
        return self._find(f"{self.process.key}/start{SCHEMA_SUFFIX}")

    def resolve_message_schema(self, message: str) -> str | None:
        """The payload schema of a message the process waits for, found only by its full name."""
        return self._find(message_specs.schema_name(self.process.key, message), exact=True)

    def _find(self, name: str, ui_name: str | None = None, exact: bool = False) -> str | None:
        schema_name = name if name.endswith(SCHEMA_SUFFIX) or name.endswith(".json") else name + SCHEMA_SUFFIX
        schema = self._uploaded(schema_name, exact)
        if schema is None:
            previous = self.previous.get(schema_name)
            if previous is not None:
                self.used[schema_name] = previous
            return previous
        ui_name = ui_name or schema_name.replace(SCHEMA_SUFFIX, UI_SUFFIX)
        return self._store(schema_name, schema, self._uploaded(ui_name))

    def _uploaded(self, name: str, exact: bool = False) -> dict | None:
        if name in self.uploaded:
            return self.uploaded[name]
        base = name.rsplit("/", 1)[-1]
        matches = [n for n in self.uploaded if n.endswith("/" + name) or (n == base and not exact)]
        return self.uploaded[matches[0]] if len(matches) == 1 else None

    def _store(self, name: str, schema: dict, ui_schema: dict | None) -> str:
        digest = form_hash(schema, ui_schema)
        if self.uow.session.get(Form, digest) is None:
            self.uow.session.add(Form(hash=digest, name=name, schema=schema, ui_schema=ui_schema))
            self.uow.flush()
        self.used[name] = digest
        return digest


def read_definitions(config, actor, key: str | None = None, all_versions: bool = False):
    """``list_definitions`` for ``actor``: bureau staff only."""
    _check_reads_definitions(actor)
    return list_definitions(config, key, all_versions)


def read_definition(config, actor, key: str, version: int | None = None) -> ProcessDefinition:
    """``get_definition`` for ``actor``: bureau staff only."""
    _check_reads_definitions(actor)
    return get_definition(config, key, version)


def _check_reads_definitions(actor) -> None:
    if not may_read_definitions(actor):
        raise NotPermitted("the process definitions are for bureau staff")


def list_definitions(config, key: str | None = None, all_versions: bool = False) -> list[ProcessDefinition]:
    with UnitOfWork(config.sessions) as uow:
        stmt = select(ProcessDefinition).order_by(ProcessDefinition.key, ProcessDefinition.version)
        if key is not None:
            stmt = stmt.where(ProcessDefinition.key == key)
        if not all_versions:
            stmt = _latest_only(stmt)
        return list(uow.session.scalars(stmt))


def get_definition(config, key: str, version: int | None = None) -> ProcessDefinition:
    with UnitOfWork(config.sessions) as uow:
        if version is None:
            definition = latest_definition(uow, key)
        else:
            definition = uow.session.scalar(
                select(ProcessDefinition).where(
                    ProcessDefinition.key == key, ProcessDefinition.version == version
                )
            )
        if definition is None:
            suffix = f" version {version}" if version is not None else ""
            raise NotFound(f"process definition '{key}'{suffix} does not exist")
        definition.bpmn_xml  # noqa: B018 - load the deferred column while the session is open
        return definition
