import marshmallow as ma

from ..fields import Name
from ..smorest import Schema


class MessageSchema(Schema):
    name = Name(required=True, validate=ma.validate.Length(min=1, max=255))
    business_key = Name(allow_none=True, validate=ma.validate.Length(min=1, max=255))
    variables = ma.fields.Dict(keys=ma.fields.String(), load_default=dict)


class MessageResultSchema(Schema):
    delivered_to = ma.fields.List(ma.fields.String(), metadata={"description": "instance ids"})
