"""Delivering BPMN messages (public security's answer, the applicant's reply) to cases."""

from __future__ import annotations

from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from sqlalchemy import select

from . import audit, runtime
from .case_access import bound_institution
from .database import UnitOfWork
from .errors import Conflict, NotFound, NotPermitted
from .instances import readable_keys
from .models import MessageSubscription, ProcessInstance


def deliver_message(config, actor, name: str, business_key: str | None, variables: dict) -> list[str]:
    """Deliver message ``name`` to the instances waiting for it; returns their ids."""
    with UnitOfWork() as uow:
        stmt = select(MessageSubscription.instance_id).where(MessageSubscription.name == name)
        if business_key is not None:
            stmt = stmt.where(MessageSubscription.business_key == business_key)
        if (code := bound_institution(actor)) is not None:
            own_cases = select(ProcessInstance.id).where(ProcessInstance.applicant_code == code)
            stmt = stmt.where(MessageSubscription.instance_id.in_(own_cases))
        instance_ids = sorted(set(uow.session.scalars(stmt)))
        if not instance_ids:
            suffix = f" with business key '{business_key}'" if business_key else ""
            raise NotFound(f"no case{suffix} is waiting for message '{name}'")
        keys = readable_keys(uow, actor)
        for instance_id in instance_ids:
            row = runtime.lock_instance(uow, instance_id)
            if keys is not None and row.process_key not in keys:
                raise NotPermitted(f"none of your groups takes part in process '{row.process_key}'")
            if row.status != "running":
                raise Conflict(f"the case {row.id} is {row.status}")
            deliver_to(config, uow, row, name, variables, actor)
        uow.commit()
        return instance_ids


def deliver_to(config, uow, row, name: str, variables: dict, actor) -> None:
    """Deliver message ``name`` to the locked case ``row`` and run it on (caller's unit of work)."""
    workflow = runtime.open_workflow(config, uow, row)
    event = BpmnEvent(MessageEventDefinition(name), payload=dict(variables))
    waiting = [t for t in workflow.event_manager.tasks.values() if t.task_spec.catches(t, event)]
    audit.record(uow, actor, "message_received", config.clock.now(), row, message=name, variables=variables)

    def deliver():
        for task in waiting:
            task.data.update(variables)
        workflow.catch(event)

    runtime.run(config, uow, row, workflow, actor, step=deliver)
    runtime.save(config, uow, row, workflow, actor)
