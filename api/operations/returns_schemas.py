import marshmallow as ma

from ..fields import DateTime, Name, Text
from ..smorest import Schema
from ..tasks.schemas import InstanceSummarySchema, TaskSchema


class ReturnSchema(Schema):
    target = Name(
        required=True,
        validate=ma.validate.Length(min=1, max=255),
        metadata={"description": "the element id of the step (or the task id return-targets lists)"},
    )
    reason = Text(required=True, validate=ma.validate.Length(min=1, max=2000))


class WithdrawSchema(Schema):
    reason = Text(allow_none=True, validate=ma.validate.Length(max=2000))


class ReturnTargetSchema(Schema):
    element_id = ma.fields.String()
    name = ma.fields.String()
    task_id = ma.fields.String()
    completed_by = ma.fields.String(allow_none=True)
    completed_at = DateTime(allow_none=True)


class OperationResultSchema(Schema):
    task = ma.fields.Nested(TaskSchema, metadata={"description": "the task acted on"})
    reopened = ma.fields.List(ma.fields.Nested(TaskSchema), metadata={"description": "the tasks open again"})
    instance = ma.fields.Nested(InstanceSummarySchema)
