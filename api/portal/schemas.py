import marshmallow as ma

from workflows.portal.delivery import OUTBOX_STATES

from ..fields import DateTime, Name, Text
from ..smorest import Schema

_SHA256 = ma.validate.Regexp(r"^[0-9a-f]{64}$", error="must be a lowercase hex SHA-256")
_ID_TYPES = ["uscc", "id_card", "passport", "other"]


class ApplicantSchema(Schema):
    name = Name(required=True, validate=ma.validate.Length(min=1, max=200))
    id_type = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(_ID_TYPES),
        metadata={"description": "uscc (统一社会信用代码), id_card, passport or other"},
    )
    id_number = Name(required=True, validate=ma.validate.Length(min=1, max=64))


class AgentSchema(ApplicantSchema):
    phone = Name(validate=ma.validate.Length(max=32))


class MaterialSchema(Schema):
    name = Name(required=True, validate=ma.validate.Length(min=1, max=500))
    type = Name(required=True, validate=ma.validate.Length(min=1, max=64))
    file_ref = Name(required=True, validate=ma.validate.Length(min=1, max=1000))
    sha256 = ma.fields.String(required=True, validate=_SHA256)


class ApplicationSchema(Schema):
    item_code = Name(
        required=True, validate=ma.validate.Length(min=1, max=64), metadata={"description": "事项编码"}
    )
    item_version = Name(required=True, validate=ma.validate.Length(min=1, max=32))
    applicant = ma.fields.Nested(ApplicantSchema, required=True)
    agent = ma.fields.Nested(AgentSchema, allow_none=True)
    channel = Name(required=True, validate=ma.validate.Length(min=1, max=32))
    received_at = DateTime(required=True)
    materials = ma.fields.List(ma.fields.Nested(MaterialSchema), required=True)
    item_data = ma.fields.Dict(
        keys=ma.fields.String(),
        required=True,
        metadata={
            "description": "item-specific data; for qualification approval application_type, "
            "procedure and fields"
        },
    )


class StepSchema(Schema):
    name = ma.fields.String()
    element_id = ma.fields.String()
    groups = ma.fields.List(ma.fields.String(), metadata={"description": "the handler's role"})
    state = ma.fields.String(metadata={"description": "ready | suspended | completed | cancelled"})
    started_at = DateTime()
    completed_at = DateTime(allow_none=True)
    due_at = DateTime(allow_none=True)


class ResultSchema(Schema):
    outcome = ma.fields.String(allow_none=True)
    decision = ma.fields.String(allow_none=True)
    reason = ma.fields.String(allow_none=True)
    decision_no = ma.fields.String(allow_none=True, metadata={"description": "决定书文号"})
    decided_at = DateTime(allow_none=True)
    certificate_no = ma.fields.String(allow_none=True)
    certificate_valid_until = ma.fields.String(allow_none=True)


class RatingSchema(Schema):
    level = ma.fields.Integer(
        required=True, metadata={"description": "5 very satisfied .. 1 very dissatisfied (好差评)"}
    )
    comment = Text(allow_none=True, validate=ma.validate.Length(max=2000))
    rated_at = DateTime(dump_only=True)


class CaseSchema(Schema):
    case_no = ma.fields.String(metadata={"description": "办件编号"})
    item_code = ma.fields.String()
    item_version = ma.fields.String()
    status = ma.fields.String(
        metadata={
            "description": "received | supplement_required | in_review | rectification_required | "
            "granted | refused | not_accepted | revoked | withdrawn | cancelled"
        }
    )
    completed = ma.fields.Boolean()
    received_at = DateTime()
    accepted_at = DateTime(allow_none=True)
    promised_limit = ma.fields.String(allow_none=True)
    statutory_due_at = DateTime(allow_none=True)
    clock_paused = ma.fields.Boolean()
    current_steps = ma.fields.List(ma.fields.Nested(StepSchema))
    history = ma.fields.List(ma.fields.Nested(StepSchema))
    result = ma.fields.Nested(ResultSchema, allow_none=True)
    rating = ma.fields.Nested(RatingSchema, allow_none=True)
    withdrawn_at = DateTime(allow_none=True)
    notice = ma.fields.String(allow_none=True)


class SubmissionSchema(Schema):
    case_no = ma.fields.Function(lambda submission: submission.case.case_no)
    query_password = ma.fields.String(
        allow_none=True, metadata={"description": "shown once; null on a replayed submission"}
    )
    case = ma.fields.Nested(CaseSchema)


class PasswordSchema(Schema):
    case_no = ma.fields.String()
    query_password = ma.fields.String()


class QueryPasswordHeaderSchema(Schema):
    class Meta:
        unknown = ma.EXCLUDE

    query_password = ma.fields.String(data_key="X-Query-Password")


class TaskDataSchema(Schema):
    """The task's data, checked against the task's form (JSON pointers name bad fields)."""

    class Meta:
        unknown = ma.INCLUDE


class WithdrawalSchema(Schema):
    note = Text(allow_none=True, validate=ma.validate.Length(max=2000))


class EventSchema(Schema):
    event_id = ma.fields.String()
    case_no = ma.fields.String()
    sequence = ma.fields.Integer(metadata={"description": "per case, from 1, without gaps"})
    client_sequence = ma.fields.Integer(metadata={"description": "per portal, the polling cursor"})
    type = ma.fields.String()
    occurred_at = DateTime()
    payload = ma.fields.Dict()


class EventQueryArgsSchema(Schema):
    after = ma.fields.Integer(load_default=0, validate=ma.validate.Range(min=0))
    limit = ma.fields.Integer(load_default=100, validate=ma.validate.Range(min=1, max=500))


class EventPageSchema(Schema):
    events = ma.fields.List(ma.fields.Nested(EventSchema))
    next_after = ma.fields.Integer(metadata={"description": "pass as ?after= to continue"})


class OutboxEventSchema(Schema):
    id = ma.fields.Integer()
    event_id = ma.fields.String()
    case_no = ma.fields.String()
    case_seq = ma.fields.Integer()
    client_seq = ma.fields.Integer(allow_none=True)
    event_type = ma.fields.String()
    occurred_at = DateTime()
    payload = ma.fields.Dict()
    state = ma.fields.String()
    attempts = ma.fields.Integer()
    last_error = ma.fields.String(allow_none=True)
    last_attempt_at = DateTime(allow_none=True)
    delivered_at = DateTime(allow_none=True)


class OutboxQueryArgsSchema(Schema):
    state = ma.fields.String(validate=ma.validate.OneOf(OUTBOX_STATES))
    case_no = ma.fields.String()
