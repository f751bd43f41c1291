import marshmallow as ma

from ..smorest import Schema


class DeploymentWarningSchema(Schema):
    element = ma.fields.String(metadata={"description": "BPMN element id"})
    detail = ma.fields.String()


class DeployedProcessSchema(Schema):
    key = ma.fields.String()
    version = ma.fields.Integer()
    id = ma.fields.Integer()
    name = ma.fields.String(allow_none=True)
    changed = ma.fields.Boolean(metadata={"description": "false when the content was already deployed"})
    warnings = ma.fields.List(
        ma.fields.Nested(DeploymentWarningSchema),
        metadata={"description": "non-blocking findings: markup the engine ignores, groups without users"},
    )


class DeploymentResultSchema(Schema):
    processes = ma.fields.List(ma.fields.Nested(DeployedProcessSchema))
