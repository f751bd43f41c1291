import copy

import marshmallow as ma

from workflows.registries.records import (
    ASSIGNMENT_ROLES,
    ASSIGNMENT_STATUSES,
    CERTIFICATE_STATUSES,
    CONFLICT_KINDS,
    CREDIT_CLASSES,
    INSTITUTION_TYPES,
    PERSON_KINDS,
)

from ..fields import Date, DateTime, Name, Text
from ..smorest import Schema

_TEXT = ma.validate.Length(min=1, max=255)
_CODE = ma.validate.Length(min=1, max=64)


def _text(**kwargs):
    return Name(allow_none=True, validate=_TEXT, **kwargs)


def _choice(values, **kwargs):
    return ma.fields.String(validate=ma.validate.OneOf(values), **kwargs)


def patch_schema(base: type[Schema], name: str) -> type[Schema]:
    """The fields of ``base``, none of them required: the body of a PATCH."""
    fields = {}
    for key, field in base._declared_fields.items():
        fields[key] = copy.copy(field)
        fields[key].required = False
    return Schema.from_dict(fields, name=name)


class PersonCreateSchema(Schema):
    name = Name(required=True, validate=_TEXT)
    kind = _choice(PERSON_KINDS, required=True, metadata={"description": "reviewer | expert | inspector"})
    username = _text(metadata={"description": "staff account that receives this person's tasks"})
    can_lead = ma.fields.Boolean(metadata={"description": "may be team leader (评审组长); reviewers only"})
    fields = ma.fields.List(Name(validate=_TEXT), metadata={"description": "专业领域"})
    district = Name(allow_none=True, validate=_CODE, metadata={"description": "区局"})
    department = Name(allow_none=True, validate=_CODE)
    active = ma.fields.Boolean()
    workload_limit = ma.fields.Integer(
        allow_none=True, validate=ma.validate.Range(min=0), metadata={"description": "overrides the default"}
    )


PersonUpdateSchema = patch_schema(PersonCreateSchema, "PersonUpdate")


class PersonSchema(PersonCreateSchema):
    id = ma.fields.Integer()
    created_at = DateTime()
    updated_at = DateTime()


class PersonQueryArgsSchema(Schema):
    kind = _choice(PERSON_KINDS)
    district = ma.fields.String()
    department = ma.fields.String()
    active = ma.fields.Boolean()
    can_lead = ma.fields.Boolean()
    username = ma.fields.String()
    field = ma.fields.String(metadata={"description": "people covering this professional field"})
    q = ma.fields.String(metadata={"description": "part of the name"})


class ConflictCreateSchema(Schema):
    credit_code = Name(required=True, validate=ma.validate.Length(equal=18))
    kind = _choice(CONFLICT_KINDS, required=True, metadata={"description": "employment | consulting | ..."})
    start_date = Date(required=True)
    end_date = Date(allow_none=True, metadata={"description": "null while ongoing"})
    note = Text(allow_none=True)


ConflictUpdateSchema = patch_schema(ConflictCreateSchema, "ConflictUpdate")


class ConflictImportSchema(ConflictCreateSchema):
    """A conflict row of a CSV import: the person by staff account, or by name and kind."""

    person_username = Name(validate=_TEXT)
    person_name = Name(validate=_TEXT)
    person_kind = _choice(PERSON_KINDS)


class ConflictSchema(ConflictCreateSchema):
    id = ma.fields.Integer()
    person_id = ma.fields.Integer()
    created_at = DateTime()


class InstitutionCreateSchema(Schema):
    name = Name(required=True, validate=_TEXT)
    credit_code = Name(required=True, validate=ma.validate.Length(equal=18))
    district = Name(allow_none=True, validate=_CODE)
    type = _choice(INSTITUTION_TYPES, required=True)
    credit_class = _choice(CREDIT_CLASSES, metadata={"description": "credit-risk class A (low) to D"})
    certificate_status = _choice(CERTIFICATE_STATUSES)
    certificate_no = Name(allow_none=True, validate=_CODE)


InstitutionUpdateSchema = patch_schema(InstitutionCreateSchema, "InstitutionUpdate")


class InstitutionSchema(InstitutionCreateSchema):
    id = ma.fields.Integer()
    created_at = DateTime()
    updated_at = DateTime()


class InstitutionQueryArgsSchema(Schema):
    type = _choice(INSTITUTION_TYPES)
    district = ma.fields.String()
    credit_class = _choice(CREDIT_CLASSES)
    certificate_status = _choice(CERTIFICATE_STATUSES)
    credit_code = ma.fields.String()
    q = ma.fields.String(metadata={"description": "part of the name or credit code"})


class InspectorRequirementsSchema(Schema):
    min_inspectors = ma.fields.Integer(validate=ma.validate.Range(min=1))
    fields = ma.fields.List(Name(validate=_TEXT))
    department = Name(validate=_CODE)
    district = Name(validate=_CODE)


class CheckItemCreateSchema(Schema):
    code = Name(required=True, validate=_CODE)
    name = Name(required=True, validate=_TEXT)
    legal_basis = Text(allow_none=True)
    target_type = _choice(INSTITUTION_TYPES, required=True)
    proportion = ma.fields.Float(
        required=True,
        validate=ma.validate.Range(min=0, max=1, min_inclusive=False),
        metadata={"example": 0.05},
    )
    frequency = Name(allow_none=True, validate=_CODE, metadata={"example": "每年一次"})
    method = _text(metadata={"example": "现场检查"})
    inspector_requirements = ma.fields.Nested(InspectorRequirementsSchema)
    active = ma.fields.Boolean()


CheckItemUpdateSchema = patch_schema(CheckItemCreateSchema, "CheckItemUpdate")


class CheckItemSchema(CheckItemCreateSchema):
    id = ma.fields.Integer()
    inspector_requirements = ma.fields.Dict()
    created_at = DateTime()
    updated_at = DateTime()


class CheckItemQueryArgsSchema(Schema):
    target_type = _choice(INSTITUTION_TYPES)
    active = ma.fields.Boolean()
    code = ma.fields.String()
    q = ma.fields.String(metadata={"description": "part of the name or code"})


class AssignmentSchema(Schema):
    id = ma.fields.Integer()
    person_id = ma.fields.Integer()
    draw_id = ma.fields.Integer()
    business_key = ma.fields.String()
    credit_code = ma.fields.String(allow_none=True)
    role = ma.fields.String(metadata={"description": "leader | member | inspector"})
    status = ma.fields.String(metadata={"description": "pending | confirmed | declined | expired | released"})
    assigned_at = DateTime()
    responded_at = DateTime(allow_none=True)


class AssignmentQueryArgsSchema(Schema):
    person_id = ma.fields.Integer()
    draw_id = ma.fields.Integer()
    business_key = ma.fields.String()
    status = _choice(ASSIGNMENT_STATUSES)
    role = _choice(ASSIGNMENT_ROLES)
