"""Database tables. Import models from here."""

from workflows.persistence.models.audit import AuditEvent
from workflows.persistence.models.calendar import CalendarYear
from workflows.persistence.models.case_administration import CaseCopy, NotificationRead, TrainingClock
from workflows.persistence.models.definitions import Deployment, Form, ProcessDefinition
from workflows.persistence.models.draws import DrawRecord
from workflows.persistence.models.instances import (
    ACTIVE_STATUSES,
    CLOSED_STATUSES,
    IdempotencyRecord,
    MessageSubscription,
    ProcessInstance,
    Sequence,
)
from workflows.persistence.models.jobs import Job
from workflows.persistence.models.notifications import Notification
from workflows.persistence.models.portal import (
    OUTBOX_STATES,
    OutboxEvent,
    PortalCase,
    PortalClient,
    PortalNonce,
    ServiceItem,
)
from workflows.persistence.models.rate_limits import RateLimitCounter
from workflows.persistence.models.registries import (
    Assignment,
    CheckItem,
    ConflictOfInterest,
    Institution,
    Person,
)
from workflows.persistence.models.restrictions import RESTRICTION_KINDS, ApplicationRestriction
from workflows.persistence.models.substitutes import Substitute
from workflows.persistence.models.tasks import OPEN_TASK_STATES, Task, TaskCandidateGroup
from workflows.persistence.models.users import ApiToken, User

__all__ = [
    "ACTIVE_STATUSES",
    "CLOSED_STATUSES",
    "OPEN_TASK_STATES",
    "OUTBOX_STATES",
    "RESTRICTION_KINDS",
    "ApiToken",
    "ApplicationRestriction",
    "Assignment",
    "AuditEvent",
    "CalendarYear",
    "CaseCopy",
    "CheckItem",
    "ConflictOfInterest",
    "Deployment",
    "DrawRecord",
    "Form",
    "IdempotencyRecord",
    "Job",
    "MessageSubscription",
    "Notification",
    "NotificationRead",
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
    "Substitute",
    "ServiceItem",
    "Task",
    "TaskCandidateGroup",
    "TrainingClock",
    "User",
]
