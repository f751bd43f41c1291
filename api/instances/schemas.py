import marshmallow as ma

from ..fields import DateTime, Name, Text
from ..smorest import Schema
from ..tasks.schemas import TaskSchema


class InstanceErrorSchema(Schema):
    element_id = ma.fields.String(allow_none=True)
    element_name = ma.fields.String(allow_none=True)
    task_id = ma.fields.String(allow_none=True)
    message = ma.fields.String()
    line = ma.fields.Integer(allow_none=True)
    at = DateTime()


class ClockPauseSchema(Schema):
    start = DateTime(data_key="from", attribute="from")
    to = DateTime(allow_none=True)
    element_id = ma.fields.String()
    task_id = ma.fields.String()


class WaitingTimerSchema(Schema):
    element_id = ma.fields.String(allow_none=True)
    due_at = DateTime()
    state = ma.fields.String(metadata={"description": "pending, suspended (with the case) or incident"})


class WaitingMessageSchema(Schema):
    name = ma.fields.String()
    element_id = ma.fields.String()
    business_key = ma.fields.String(allow_none=True)
    correlations = ma.fields.Dict()


class WaitingJobSchema(Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    due_at = DateTime()
    attempts = ma.fields.Integer()
    state = ma.fields.String()


class WaitingForSchema(Schema):
    timers = ma.fields.List(ma.fields.Nested(WaitingTimerSchema))
    messages = ma.fields.List(ma.fields.Nested(WaitingMessageSchema))
    jobs = ma.fields.List(ma.fields.Nested(WaitingJobSchema))


class InstanceSchema(Schema):
    id = ma.fields.String()
    process_key = ma.fields.String()
    business_key = ma.fields.String(allow_none=True)
    status = ma.fields.String(metadata={"description": "running | completed | cancelled | suspended | error"})
    definition_id = ma.fields.Integer()
    definition_version = ma.fields.Integer()
    variables = ma.fields.Dict()
    error = ma.fields.Nested(InstanceErrorSchema, allow_none=True)
    started_at = DateTime()
    started_by = ma.fields.String(allow_none=True, metadata={"description": "null for an applicant: staff"})
    ended_at = DateTime(allow_none=True)
    active_tasks = ma.fields.List(ma.fields.Nested(TaskSchema))
    statutory_limit = ma.fields.String(
        allow_none=True, metadata={"description": "the case's legal limit, e.g. 20WD"}
    )
    statutory_started_at = DateTime(allow_none=True)
    statutory_due_at = DateTime(
        allow_none=True, metadata={"description": "recomputed with the paused working days (暂停计时)"}
    )
    clock_paused = ma.fields.Boolean()
    clock_pauses = ma.fields.List(ma.fields.Nested(ClockPauseSchema))
    calendar_incomplete = ma.fields.Boolean()
    waiting_for = ma.fields.Nested(
        WaitingForSchema,
        allow_none=True,
        metadata={"description": "GET of one case, staff only: pending timers, message subscriptions, jobs"},
    )


class InstanceStartSchema(Schema):
    business_key = Name(allow_none=True, validate=ma.validate.Length(min=1, max=255))
    variables = ma.fields.Dict(keys=ma.fields.String(), load_default=dict)
    version = ma.fields.Integer(validate=ma.validate.Range(min=1))


class IdempotencyHeaderSchema(Schema):
    class Meta:
        unknown = ma.EXCLUDE

    idempotency_key = Name(data_key="Idempotency-Key", validate=ma.validate.Length(min=1, max=255))


class InstanceQueryArgsSchema(Schema):
    process_key = ma.fields.String()
    business_key = ma.fields.String()
    status = ma.fields.String(
        validate=ma.validate.OneOf(["running", "completed", "cancelled", "suspended", "error"])
    )


class ReasonSchema(Schema):
    reason = Text(
        required=True,
        validate=ma.validate.Length(min=1, max=2000),
        metadata={"description": "why, kept in the case's history"},
    )


class RetrySchema(Schema):
    variables = ma.fields.Dict(keys=ma.fields.String(), load_default=dict)


class AuditEventSchema(Schema):
    id = ma.fields.Integer()
    at = DateTime()
    actor = ma.fields.String(allow_none=True, metadata={"description": "null for an applicant: staff"})
    action = ma.fields.String()
    instance_id = ma.fields.String(allow_none=True)
    task_id = ma.fields.String(allow_none=True)
    details = ma.fields.Dict()
