import marshmallow as ma

from ..smorest import Schema


class DeployedProcessSchema(Schema):
    key = ma.fields.String()
    version = ma.fields.Integer()
    id = ma.fields.Integer()
    name = ma.fields.String(allow_none=True)
    changed = ma.fields.Boolean(metadata={"description": "false when the content was already deployed"})


class DeploymentResultSchema(Schema):
    processes = ma.fields.List(ma.fields.Nested(DeployedProcessSchema))
