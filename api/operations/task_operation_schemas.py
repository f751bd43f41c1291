import marshmallow as ma

from workflows.operations.bulk import BULK_OPERATIONS
from workflows.operations.signers import POSITIONS

from ..fields import DateTime, Name, Text
from ..smorest import Schema


class TransferSchema(Schema):
    to = Name(required=True, metadata={"description": "who receives the task: may do it, active"})
    reason = Text(load_default=None, allow_none=True, validate=ma.validate.Length(max=2000))


class DelegationSchema(Schema):
    to = Name(required=True, metadata={"description": "who answers for you; it then comes back to you"})


class SignersSchema(Schema):
    users = ma.fields.List(Name(), required=True, validate=ma.validate.Length(min=1, max=20))
    position = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(POSITIONS),
        metadata={"description": "before: they sign first; after: after you; parallel: beside you"},
    )


class CommentSchema(Schema):
    text = Text(required=True, validate=ma.validate.Length(min=1, max=2000))


class SubstituteSchema(Schema):
    user = Name(required=True, metadata={"description": "who takes your new tasks"})
    from_ = DateTime(required=True, data_key="from")
    to = DateTime(required=True)


class SubstituteOutSchema(Schema):
    user = ma.fields.String(attribute="substitute_name")
    from_ = DateTime(attribute="starts_at", data_key="from")
    to = DateTime(attribute="ends_at")


class BulkSchema(Schema):
    operation = ma.fields.String(required=True, validate=ma.validate.OneOf(BULK_OPERATIONS))
    task_ids = ma.fields.List(Name(), required=True, validate=ma.validate.Length(min=1, max=100))
    data = ma.fields.Dict(keys=ma.fields.String(), load_default=None, allow_none=True)
    to = Name(load_default=None, allow_none=True)
    reason = Text(load_default=None, allow_none=True, validate=ma.validate.Length(max=2000))


class BulkItemSchema(Schema):
    task_id = ma.fields.String()
    status = ma.fields.Integer(metadata={"description": "200, or the status the task alone would get"})
    problem = ma.fields.String(allow_none=True)
