"""Operations that BPMN service tasks may call, bound to the current transaction."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from workflows.clock import BUREAU_TZ
from workflows.engine.serialization import to_json_data
from workflows.persistence import audit
from workflows.persistence.models import OPEN_TASK_STATES, Notification, ProcessInstance, Sequence, Task
from workflows.users import SYSTEM


def next_sequence_value(session, name: str) -> int:
    """Advance the named counter atomically and return its new value."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = (
        insert(Sequence)
        .values(name=name, value=1)
        .on_conflict_do_update(index_elements=["name"], set_={"value": Sequence.value + 1})
        .returning(Sequence.value)
    )
    return session.execute(stmt).scalar_one()


_PROVIDERS = []


def provides(provider) -> None:
    """Install ``provider(config, uow, case) -> {name: operation}``: the operations of a feature
    package (draws, registries, child cases), installed by ``workflows.wiring``."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def service_operations(config, uow, case: dict) -> dict:
    """The operations by name; each takes the task data and the task's parameters.

    ``case`` holds the current instance (``instance_id``, ``process_key``, ``business_key``),
    filled in by the runtime once the case is known.
    """

    def issue_certificate_no(data, **params):
        """Certificate number (证书编号): year, region code, six-digit sequence."""
        year = config.clock.now().astimezone(BUREAU_TZ).year
        sequence = next_sequence_value(uow.session, f"certificate:{year}")
        return f"{year}{config.certificate_region_code}{sequence:06d}"

    def send_reminder(data, task=None, group=None, message=None, **params):
        """Remind (催办) whoever holds the case's open ``task`` (its assignee, else its groups),
        or notify ``group`` directly (an escalation that must not block the case)."""
        if group:
            return notify_group(uow, config.clock.now(), case, group, "escalation", message)
        return notify_task_holders(uow, config.clock.now(), case, task, "reminder", message)

    def record_audit_event(data, action, details=None, **params):
        """Add ``action`` with ``details`` to the case's audit trail, on behalf of whoever
        moved the case on (the clerk whose answer led here), e.g. a repeated supplement notice."""
        instance = uow.session.get(ProcessInstance, case["instance_id"])
        actor = case.get("actor") or SYSTEM
        details = {} if details is None else details
        details = to_json_data(details) if isinstance(details, dict) else details
        event = audit.record_for_diagram(uow, actor, action, config.clock.now(), instance, details)
        return {"action": event.action}

    operations = {
        "issue_certificate_no": issue_certificate_no,
        "send_reminder": send_reminder,
        "record_audit_event": record_audit_event,
    }
    for provider in _PROVIDERS:
        operations.update(provider(config, uow, case))
    return operations


def notify_group(uow, now, case: dict, group: str, kind: str, message: str | None) -> int:
    text = message or f"请督办案件 {case.get('business_key') or case['instance_id']}"
    uow.session.add(
        Notification(
            kind=kind,
            recipient_group=group,
            instance_id=case["instance_id"],
            business_key=case.get("business_key"),
            message=text,
            created_at=now,
        )
    )
    return 1


def notify_task_holders(uow, now, case: dict, element_id: str, kind: str, message: str | None) -> int:
    open_tasks = uow.session.scalars(
        select(Task).where(
            Task.instance_id == case["instance_id"],
            Task.bpmn_id == element_id,
            Task.state.in_(OPEN_TASK_STATES),
        )
    ).all()
    count = 0
    for task in open_tasks:
        text = message or f"请尽快办理：{task.name}（案件 {case.get('business_key') or case['instance_id']}）"
        recipients = [(None, task.assignee)] if task.assignee else [(g, None) for g in task.candidate_groups]
        for group, user in recipients:
            uow.session.add(
                Notification(
                    kind=kind,
                    recipient_group=group,
                    recipient_user=user,
                    instance_id=case["instance_id"],
                    task_id=task.id,
                    business_key=case.get("business_key"),
                    message=text,
                    created_at=now,
                )
            )
            count += 1
    return count
