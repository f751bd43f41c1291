"""Cases started by other cases: one inspection per target of a spot-check plan, a referral.

A child is a process instance of its own (its own state, its own lock), so a plan with
fifty targets does not become one large workflow rewritten on every task. The parent waits
at a message catch event named ``children_completed``; when its last child ends, a job
delivers that message with each child's ``result`` variable.
"""

from __future__ import annotations

from contextvars import ContextVar

from sqlalchemy import select

from workflows.engine import runtime
from workflows.instances import create_instance
from workflows.messages import deliver_to
from workflows.persistence.models import ACTIVE_STATUSES, Job, MessageSubscription, ProcessInstance
from workflows.users import SYSTEM

CHILDREN_COMPLETED = "children_completed"
# How many cases deep the case being started now is: a child runs inside its parent's step.
_nesting = ContextVar("case_nesting", default=0)


def start_case(config, uow, case: dict, process_key: str, business_key: str, variables: dict, awaited: bool):
    """Start ``process_key`` as the system; an awaited child reports back to ``case``.

    The child runs at once, inside the parent's step, so a process that starts itself
    (directly or through others) is stopped at ``config.max_call_depth`` cases deep.
    """
    definition = runtime.latest_definition(uow, process_key)
    if definition is None:
        raise ValueError(f"process '{process_key}' is not deployed")
    depth = _nesting.get() + 1
    if depth > config.max_call_depth:
        raise ValueError(
            f"cases starting cases are nested more than {config.max_call_depth} deep: a process that "
            f"starts itself ('{process_key}'), directly or through other processes, never ends"
        )
    token = _nesting.set(depth)
    try:
        return create_instance(
            config,
            uow,
            SYSTEM,
            definition,
            business_key,
            variables,
            parent_instance_id=case["instance_id"] if awaited else None,
        )
    finally:
        _nesting.reset(token)


def child_operations(config, uow, case: dict) -> dict:
    def start_child_instances(data, process_key, items, item_variable="item", shared=None, **params):
        """One awaited child case per item, business keys ``<parent key>-001``, ``-002`` ..."""
        prefix = case.get("business_key") or case["instance_id"]
        ids = []
        for number, item in enumerate(items, start=1):
            variables = {**(shared or {}), item_variable: item, "parent_business_key": prefix}
            ids.append(
                start_case(config, uow, case, process_key, f"{prefix}-{number:03d}", variables, True).id
            )
        return {"started": len(ids), "instance_ids": ids}

    def start_process(data, process_key, business_key, variables=None, **params):
        """Start another process (not awaited), e.g. a case referral from an inspection."""
        row = start_case(config, uow, case, process_key, business_key, dict(variables or {}), False)
        return {"instance_id": row.id, "business_key": row.business_key}

    return {"start_child_instances": start_child_instances, "start_process": start_process}


def report_to_parent(config, uow, job: Job) -> None:
    """When the parent's last child has ended, deliver ``children_completed`` to it."""
    parent = runtime.lock_instance(uow, job.instance_id)
    if parent.status == "suspended":
        job.state = "suspended"
        return
    if parent.status != "running":
        return
    children = uow.session.scalars(
        select(ProcessInstance)
        .where(ProcessInstance.parent_instance_id == parent.id)
        .order_by(ProcessInstance.business_key)
    ).all()
    if any(c.status in ACTIVE_STATUSES for c in children) or not _waits_for_children(uow, parent):
        return
    results = [
        {
            "instance_id": c.id,
            "business_key": c.business_key,
            "status": c.status,
            "result": c.variables.get("result"),
        }
        for c in children
    ]
    deliver_to(config, uow, parent, CHILDREN_COMPLETED, {"children": results}, SYSTEM)


def _waits_for_children(uow, parent) -> bool:
    return (
        uow.session.scalar(
            select(MessageSubscription.id).where(
                MessageSubscription.instance_id == parent.id, MessageSubscription.name == CHILDREN_COMPLETED
            )
        )
        is not None
    )
