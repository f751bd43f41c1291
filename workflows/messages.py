"""Delivering BPMN messages (public security's answer, the applicant's reply) to cases.

A message correlates, it never broadcasts: the request names its case by business key, or by
correlation keys the receiving diagram declares (``message_specs``), optionally narrowed by
process key, and changes at most that one case. The payload is checked against the message's
schema before any case is locked or changed.
"""

from __future__ import annotations

from copy import deepcopy

from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from workflows.access import bound_institution
from workflows.engine import runtime, spiff_compat
from workflows.engine.forms import validate_form_data
from workflows.engine.message_specs import message_definitions, schema_name
from workflows.errors import Conflict, FieldError, InvalidInput, NotFound, NotPermitted
from workflows.instances import readable_keys
from workflows.persistence import audit
from workflows.persistence.database import UnitOfWork
from workflows.persistence.models import Form, MessageSubscription, ProcessDefinition, ProcessInstance


def deliver_message(
    config,
    actor,
    name: str,
    variables: dict,
    business_key: str | None = None,
    process_key: str | None = None,
    correlation_keys: dict | None = None,
) -> list[str]:
    """Deliver message ``name`` to the one case it names; returns its id (a list of one)."""
    if not business_key and not correlation_keys:
        raise InvalidInput(
            "a message names its case: give business_key, or correlation_keys the diagram declares",
            errors=[FieldError("/business_key", "required unless correlation_keys name the case")],
        )
    with UnitOfWork(config.sessions) as uow:
        matched = _matching(uow, name, business_key, process_key, correlation_keys or {})
        matched = _own_cases(uow, actor, name, matched)
        instance_id = _the_one_case(uow, actor, name, matched)
        row = uow.session.get(ProcessInstance, instance_id)
        _check_payload(uow, row, name, variables)
        row = runtime.lock_instance(uow, instance_id)
        if row.status != "running":
            raise Conflict(f"the case {row.id} is {row.status}")
        named = {s.task_id for s in matched if s.instance_id == instance_id}
        task_ids = named & _still_waiting(uow, row, name)
        if not task_ids:
            raise NotFound(f"the case {row.id} no longer waits for message '{name}'")
        deliver_to(config, uow, row, name, variables, actor, task_ids)
        uow.commit()
        return [instance_id]


def _matching(uow, name, business_key, process_key, correlation_keys: dict) -> list[MessageSubscription]:
    stmt = (
        select(MessageSubscription)
        .join(ProcessInstance, ProcessInstance.id == MessageSubscription.instance_id)
        .where(MessageSubscription.name == name)
        .order_by(MessageSubscription.instance_id)
    )
    if business_key:
        stmt = stmt.where(MessageSubscription.business_key == business_key)
    if process_key:
        stmt = stmt.where(ProcessInstance.process_key == process_key)
    waiting = list(uow.session.scalars(stmt))
    if not waiting:
        suffix = f" with business key '{business_key}'" if business_key else ""
        raise NotFound(f"no case{suffix} is waiting for message '{name}'")
    _check_declared(name, waiting, correlation_keys)
    matched = [s for s in waiting if _correlates(s, correlation_keys)]
    if not matched:
        raise NotFound(f"no case waiting for message '{name}' has the correlation keys given")
    return matched


def _own_cases(uow, actor, name: str, matched: list[MessageSubscription]) -> list[MessageSubscription]:
    """An applicant account reaches only its own institution's cases; others are not found."""
    code = bound_institution(actor)
    if code is None:
        return matched
    ids = {s.instance_id for s in matched}
    own = set(
        uow.session.scalars(
            select(ProcessInstance.id).where(
                ProcessInstance.id.in_(ids), ProcessInstance.applicant_code == code
            )
        )
    )
    kept = [s for s in matched if s.instance_id in own]
    if not kept:
        raise NotFound(f"no case of your institution is waiting for message '{name}'")
    return kept


def _check_declared(name: str, waiting: list[MessageSubscription], correlation_keys: dict) -> None:
    declared = {key for s in waiting for key in (s.correlations or {})}
    unknown = [key for key in correlation_keys if key not in declared]
    if unknown:
        known = ", ".join(sorted(declared)) or "none"
        raise InvalidInput(
            f"message '{name}' declares no correlation property {', '.join(map(repr, unknown))} "
            f"(declared: {known})",
            errors=[
                FieldError(f"/correlation_keys/{_escape(k)}", "not declared by the message") for k in unknown
            ],
        )


def _correlates(subscription: MessageSubscription, correlation_keys: dict) -> bool:
    values = subscription.correlations or {}
    return all(
        values.get(key) is not None and values[key] == value for key, value in correlation_keys.items()
    )


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _the_one_case(uow, actor, name: str, matched: list[MessageSubscription]) -> str:
    instance_ids = sorted({s.instance_id for s in matched})
    keys = readable_keys(uow, actor)
    rows = [uow.session.get(ProcessInstance, i) for i in instance_ids]
    if len(rows) > 1:
        candidates = [
            {"instance_id": r.id, "process_key": r.process_key, "business_key": r.business_key}
            for r in rows
            if keys is None or r.process_key in keys
        ]
        raise Conflict(
            f"{len(rows)} waiting cases match message '{name}'; name one with business_key, "
            "process_key or correlation_keys",
            candidates=candidates,
        )
    if keys is not None and rows[0].process_key not in keys:
        raise NotPermitted(f"none of your groups takes part in process '{rows[0].process_key}'")
    return rows[0].id


def _check_payload(uow, row: ProcessInstance, name: str, variables: dict) -> None:
    """Validate ``variables`` against the message schema of the case's process versions."""
    definition_ids = [row.definition_id, *row.called_definitions.values()]
    for definition in (uow.session.get(ProcessDefinition, i) for i in definition_ids):
        form_hash = (definition.forms or {}).get(schema_name(definition.key, name))
        if form_hash is not None:
            validate_form_data(uow.session.get(Form, form_hash).schema, variables, "/variables")


def _still_waiting(uow, row: ProcessInstance, name: str) -> set[str]:
    return set(
        uow.session.scalars(
            select(MessageSubscription.task_id).where(
                MessageSubscription.instance_id == row.id, MessageSubscription.name == name
            )
        )
    )


def deliver_to(config, uow, row, name: str, variables: dict, actor, task_ids: set[str] | None = None) -> None:
    """Deliver message ``name`` to the locked case ``row`` and run it on (caller's unit of work).

    The message reaches the case's events waiting for it (only those of ``task_ids`` when
    given); its payload replaces the variables it names when each event runs.
    """
    workflow = runtime.open_workflow(config, uow, row)
    event = BpmnEvent(MessageEventDefinition(name), payload=deepcopy(variables))
    waiting = [
        task
        for task in list(workflow.event_manager.tasks.values())
        if task.state == TaskState.WAITING
        and (task_ids is None or str(task.id) in task_ids)
        and any(d.name == name for d in message_definitions(task.task_spec))
    ]
    audit.record(uow, actor, "message_received", config.clock.now(), row, message=name, variables=variables)

    def deliver():
        for task in waiting:
            task.task_spec.catch(task, event)
            spiff_compat.update(task)

    runtime.run(config, uow, row, workflow, actor, step=deliver)
    runtime.save(config, uow, row, workflow, actor)
