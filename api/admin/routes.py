from workflows import holidays as schedules
from workflows.jobs import executor as jobs

from .. import runtime
from ..smorest import Blueprint
from .schemas import (
    CalendarLoadResultSchema,
    CalendarYearLoadSchema,
    CalendarYearSchema,
    FlaggedSchema,
    IncidentSchema,
    WorkingDaysArgsSchema,
    WorkingDaysSchema,
)

blp = Blueprint("admin", __name__, url_prefix="/api/v1", description="Calendar, incidents (administration)")


@blp.route("/admin/calendar/years")
@blp.response(200, CalendarYearSchema(many=True))
def calendar_years():
    """Years the bureau has loaded holiday schedules for (the library covers earlier years)."""
    return schedules.list_years(runtime.config())


@blp.route("/admin/calendar/years/<int:year>", methods=["PUT"])
@blp.arguments(CalendarYearLoadSchema)
@blp.response(200, CalendarLoadResultSchema)
@blp.problems(403, 422)
def put_calendar_year(body, year):
    """Load or replace a year's schedule (admin); the open dates it moves are recomputed."""
    return schedules.load_year(runtime.config(), runtime.actor(), year, body)


@blp.route("/admin/calendar/incomplete")
@blp.response(200, FlaggedSchema)
@blp.problems(403)
def calendar_incomplete():
    """Open tasks and cases whose dates reach a year without holiday data."""
    tasks, instances = schedules.flagged(runtime.config(), runtime.actor())
    now = runtime.config().clock.now()
    return {"tasks": [t.with_oversight(now) for t in tasks], "instances": instances}


@blp.route("/calendar/working-days")
@blp.arguments(WorkingDaysArgsSchema, location="query")
@blp.response(200, WorkingDaysSchema)
def working_days(args):
    """The end of the n-th statutory working day after a moment (default: now)."""
    return schedules.working_day_deadline(runtime.config(), args.get("start"), args["days"])


@blp.route("/incidents")
@blp.response(200, IncidentSchema(many=True))
@blp.problems(403)
def incidents():
    """Jobs that failed their last attempt (admin)."""
    return jobs.list_incidents(runtime.config(), runtime.actor())


@blp.route("/incidents/<int:job_id>/retry", methods=["POST"])
@blp.response(200, IncidentSchema)
@blp.problems(403, 404, 409)
def retry_incident(job_id):
    """Queue an incident's job again, due now (admin)."""
    return jobs.retry_incident(runtime.config(), runtime.actor(), job_id)
