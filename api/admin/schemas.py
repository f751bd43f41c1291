import marshmallow as ma

from ..fields import Date, DateTime, Name
from ..smorest import Schema
from ..tasks.schemas import TaskSchema


class CalendarYearLoadSchema(Schema):
    """A schedule file of one year, as ``flask calendar load`` reads it."""

    year = ma.fields.Integer(metadata={"description": "the year in the address"})
    source = Name(required=True, validate=ma.validate.Length(min=1, max=500))
    holidays = ma.fields.Dict(
        keys=Name(validate=ma.validate.Length(min=1, max=100)),
        values=ma.fields.List(ma.fields.String()),
        required=True,
        metadata={"description": "holiday name -> its days off (YYYY-MM-DD), all in the year"},
    )
    workdays = ma.fields.List(
        ma.fields.String(), load_default=list, metadata={"description": "weekend make-up working days (调休)"}
    )


class CalendarYearSchema(CalendarYearLoadSchema):
    loaded_at = DateTime(dump_only=True)
    loaded_by = ma.fields.String(dump_only=True)


class CalendarLoadResultSchema(Schema):
    years = ma.fields.List(ma.fields.Integer())
    tasks_recomputed = ma.fields.Integer(
        metadata={"description": "open tasks whose due dates were recomputed"}
    )
    instances_recomputed = ma.fields.Integer(
        metadata={"description": "cases whose statutory clock or timers were recomputed"}
    )
    timers_recomputed = ma.fields.Integer(metadata={"description": "waiting timers evaluated again"})


class FlaggedInstanceSchema(Schema):
    id = ma.fields.String()
    process_key = ma.fields.String()
    business_key = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    statutory_due_at = DateTime(allow_none=True)


class FlaggedSchema(Schema):
    tasks = ma.fields.List(ma.fields.Nested(TaskSchema))
    instances = ma.fields.List(ma.fields.Nested(FlaggedInstanceSchema))


class IncidentSchema(Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    instance_id = ma.fields.String(allow_none=True)
    payload = ma.fields.Dict()
    attempts = ma.fields.Integer()
    last_error = ma.fields.String(allow_none=True)
    due_at = DateTime()
    updated_at = DateTime()
    state = ma.fields.String()


class WorkingDaysArgsSchema(Schema):
    start = DateTime()
    days = ma.fields.Integer(required=True, validate=ma.validate.Range(min=0, max=3660))


class WorkingDaysSchema(Schema):
    day = Date()
    due_at = DateTime()
    complete = ma.fields.Boolean(
        metadata={"description": "false when a year without holiday data was crossed"}
    )
