"""Database tables. Import models from here."""

from .audit import AuditEvent
from .definitions import Deployment, Form, ProcessDefinition
from .instances import (
    ACTIVE_STATUSES,
    IdempotencyRecord,
    MessageSubscription,
    ProcessInstance,
    Sequence,
)
from .tasks import OPEN_TASK_STATES, Task, TaskCandidateGroup
from .users import ApiToken, User

__all__ = [
    "ACTIVE_STATUSES",
    "OPEN_TASK_STATES",
    "ApiToken",
    "AuditEvent",
    "Deployment",
    "Form",
    "IdempotencyRecord",
    "MessageSubscription",
    "ProcessDefinition",
    "ProcessInstance",
    "Sequence",
    "Task",
    "TaskCandidateGroup",
    "User",
]
