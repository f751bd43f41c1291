import marshmallow as ma

from ..fields import Name
from ..smorest import Schema


class MessageSchema(Schema):
    name = Name(required=True, validate=ma.validate.Length(min=1, max=255))
    business_key = Name(
        allow_none=True,
        validate=ma.validate.Length(min=1, max=255),
        metadata={"description": "the case; required unless correlation_keys name it"},
    )
    process_key = Name(
        allow_none=True,
        validate=ma.validate.Length(min=1, max=255),
        metadata={"description": "only cases of this process"},
    )
    correlation_keys = ma.fields.Dict(
        keys=Name(),
        load_default=dict,
        metadata={"description": "correlation property id -> value, as the receiving diagram declares them"},
    )
    variables = ma.fields.Dict(keys=ma.fields.String(), load_default=dict)


class MessageResultSchema(Schema):
    delivered_to = ma.fields.List(ma.fields.String(), metadata={"description": "instance ids"})
