import marshmallow as ma

from ..fields import Name, Text
from ..instances.schemas import InstanceSchema
from ..smorest import Schema


class _Reasoned(Schema):
    reason = Text(
        required=True,
        validate=ma.validate.Length(min=1, max=2000),
        metadata={"description": "kept in the history"},
    )


class MoveSchema(_Reasoned):
    source = Name(
        data_key="from",
        validate=ma.validate.Length(min=1, max=255),
        metadata={"description": "BPMN id of the open element to move from (default: the only open task)"},
    )
    to = Name(required=True, validate=ma.validate.Length(min=1, max=255), metadata={"description": "BPMN id"})


class VariablesEditSchema(_Reasoned):
    set = ma.fields.Dict(keys=ma.fields.String(), load_default=dict)
    unset = ma.fields.List(Name(validate=ma.validate.Length(min=1, max=255)), load_default=list)


class VariablesEditedSchema(Schema):
    instance = ma.fields.Nested(InstanceSchema)
    diff = ma.fields.Dict(metadata={"description": "name -> {from, to[, removed]}"})


class MigrateSchema(Schema):
    version = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1))


class BulkMigrateSchema(Schema):
    from_version = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1))
    to_version = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1))
    dry_run = ma.fields.Boolean(load_default=True, metadata={"description": "report only (the default)"})


class MigrationProblemSchema(Schema):
    element = ma.fields.String(allow_none=True)
    problem = ma.fields.String()


class MigrationResultSchema(Schema):
    instance_id = ma.fields.String()
    business_key = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    from_version = ma.fields.Integer()
    to_version = ma.fields.Integer()
    migratable = ma.fields.Boolean()
    migrated = ma.fields.Boolean()
    problems = ma.fields.List(ma.fields.Nested(MigrationProblemSchema))
    changed = ma.fields.List(
        ma.fields.String(), metadata={"description": "open elements the new version changed"}
    )
