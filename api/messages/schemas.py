import marshmallow as ma

from ..smorest import Schema


class MessageSchema(Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=255))
    business_key = ma.fields.String(
        allow_none=True, metadata={"description": "the case; required unless correlation_keys name it"}
    )
    process_key = ma.fields.String(allow_none=True, metadata={"description": "only cases of this process"})
    correlation_keys = ma.fields.Dict(
        keys=ma.fields.String(),
        load_default=dict,
        metadata={"description": "correlation property id -> value, as the receiving diagram declares them"},
    )
    variables = ma.fields.Dict(keys=ma.fields.String(), load_default=dict)


class MessageResultSchema(Schema):
    delivered_to = ma.fields.List(ma.fields.String(), metadata={"description": "instance ids"})
