import marshmallow as ma

from workflows.registries.restrictions import RESTRICTION_KINDS

from ..smorest import Schema


class RestrictionSchema(Schema):
    id = ma.fields.Integer()
    credit_code = ma.fields.String()
    kind = ma.fields.String(metadata={"description": "ban | normal_procedure_only"})
    process_key = ma.fields.String(metadata={"description": "the process whose applications it restricts"})
    until = ma.fields.Date(allow_none=True, metadata={"description": "a ban's last day (inclusive)"})
    reason = ma.fields.String()
    source_instance_id = ma.fields.String(allow_none=True)
    source_business_key = ma.fields.String(allow_none=True)
    created_by = ma.fields.String()
    created_at = ma.fields.DateTime()
    lifted_at = ma.fields.DateTime(allow_none=True)
    lifted_by = ma.fields.String(allow_none=True)
    lift_reason = ma.fields.String(allow_none=True)


class RestrictionQueryArgsSchema(Schema):
    credit_code = ma.fields.String()
    kind = ma.fields.String(validate=ma.validate.OneOf(RESTRICTION_KINDS))
    process_key = ma.fields.String()
    active = ma.fields.Boolean(metadata={"description": "in force today (not lifted, not ended)"})


class RestrictionLiftSchema(Schema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2000))
