import marshmallow as ma

from ..fields import DateTime
from ..smorest import Schema


class DefinitionSchema(Schema):
    id = ma.fields.Integer()
    key = ma.fields.String()
    version = ma.fields.Integer()
    name = ma.fields.String(allow_none=True)
    resource_name = ma.fields.String()
    deployed_at = DateTime()
    called_keys = ma.fields.List(ma.fields.String())
    lane_groups = ma.fields.List(ma.fields.String())
    starter_groups = ma.fields.List(ma.fields.String())


class DefinitionQueryArgsSchema(Schema):
    key = ma.fields.String()
    all_versions = ma.fields.Boolean(load_default=False)


class XmlQueryArgsSchema(Schema):
    version = ma.fields.Integer(validate=ma.validate.Range(min=1))
