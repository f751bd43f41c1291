"""Database tables. Import models from here."""

from .audit import AuditEvent
from .calendar import CalendarYear
from .definitions import Deployment, Form, ProcessDefinition
from .draws import DrawRecord
from .instances import (
    ACTIVE_STATUSES,
    IdempotencyRecord,
    MessageSubscription,
    ProcessInstance,
    Sequence,
)
from .jobs import Job
from .notifications import Notification
from .portal import OUTBOX_STATES, OutboxEvent, PortalCase, PortalClient, PortalNonce, ServiceItem
from .rate_limits import RateLimitCounter
from .registries import Assignment, CheckItem, ConflictOfInterest, Institution, Person
from .restrictions import RESTRICTION_KINDS, ApplicationRestriction
from .tasks import OPEN_TASK_STATES, Task, TaskCandidateGroup
from .users import ApiToken, User

__all__ = [
    "ACTIVE_STATUSES",
    "OPEN_TASK_STATES",
    "OUTBOX_STATES",
    "RESTRICTION_KINDS",
    "ApiToken",
    "ApplicationRestriction",
    "Assignment",
    "AuditEvent",
    "CalendarYear",
    "CheckItem",
    "ConflictOfInterest",
    "Deployment",
    "DrawRecord",
    "Form",
    "IdempotencyRecord",
    "Job",
    "MessageSubscription",
    "Notification",
    "OutboxEvent",
    "PortalCase",
    "PortalClient",
    "PortalNonce",
    "Institution",
    "MessageSubscription",
    "Person",
    "ProcessDefinition",
    "ProcessInstance",
    "RateLimitCounter",
    "Sequence",
    "ServiceItem",
    "Task",
    "TaskCandidateGroup",
    "User",
]
