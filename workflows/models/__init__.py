"""Database tables. Import models from here."""

from .audit import AuditEvent
from .definitions import Deployment, Form, ProcessDefinition
from .draws import DrawRecord
from .instances import (
    ACTIVE_STATUSES,
    IdempotencyRecord,
    MessageSubscription,
    ProcessInstance,
    Sequence,
)
from .registries import Assignment, CheckItem, ConflictOfInterest, Institution, Person
from .tasks import OPEN_TASK_STATES, Task, TaskCandidateGroup
from .users import ApiToken, User

__all__ = [
    "ACTIVE_STATUSES",
    "OPEN_TASK_STATES",
    "ApiToken",
    "Assignment",
    "AuditEvent",
    "CheckItem",
    "ConflictOfInterest",
    "Deployment",
    "DrawRecord",
    "Form",
    "IdempotencyRecord",
    "Institution",
    "MessageSubscription",
    "Person",
    "ProcessDefinition",
    "ProcessInstance",
    "Sequence",
    "Task",
    "TaskCandidateGroup",
    "User",
]
