import marshmallow as ma

from ..fields import DateTime
from ..smorest import Schema


class DrawSchema(Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String(metadata={"description": "review_team | targets | inspectors"})
    business_key = ma.fields.String()
    seed = ma.fields.String(metadata={"description": "64-bit seed, decimal"})
    drawn_by = ma.fields.String()
    drawn_at = DateTime()
    parameters = ma.fields.Dict()
    candidates = ma.fields.List(ma.fields.Dict(), metadata={"description": "every candidate considered"})
    exclusions = ma.fields.List(
        ma.fields.Dict(), metadata={"description": "excluded candidates with reason code and reason"}
    )
    result = ma.fields.Dict()
    ok = ma.fields.Boolean()
    algorithm_version = ma.fields.String()
    previous_draw_id = ma.fields.Integer(allow_none=True)


class ReplaySchema(Schema):
    draw_id = ma.fields.Integer()
    seed = ma.fields.String()
    algorithm_version = ma.fields.String()
    matches = ma.fields.Boolean(metadata={"description": "the recomputed result equals the recorded one"})
    recorded = ma.fields.Dict()
    recomputed = ma.fields.Dict()
