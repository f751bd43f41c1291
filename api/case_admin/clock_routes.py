import marshmallow as ma

from workflows import training_clock

from .. import runtime
from ..fields import DateTime
from ..smorest import Blueprint, Schema

blp = Blueprint(
    "training_clock", __name__, url_prefix="/api/v1/admin/clock", description="Training clock (培训模式)"
)


class ClockSchema(Schema):
    now = DateTime(metadata={"description": "the simulated time"})
    real_now = DateTime()
    offset_seconds = ma.fields.Float()
    jobs_run = ma.fields.Integer(metadata={"description": "due jobs run after advancing"})


class ClockAdvanceSchema(Schema):
    days = ma.fields.Integer(validate=ma.validate.Range(min=1, max=3660))
    until = DateTime()

    @ma.validates_schema
    def _one_of(self, data, **_kwargs):
        if ("days" in data) == ("until" in data):
            raise ma.ValidationError("give either days or until", "days")


@blp.route("")
@blp.response(200, ClockSchema)
@blp.problems(403, 404)
def get_clock():
    """The simulated time (admin; 404 when the server runs on real time)."""
    return training_clock.get_clock(runtime.config(), runtime.actor())


@blp.route("/advance", methods=["POST"])
@blp.arguments(ClockAdvanceSchema)
@blp.response(200, ClockSchema)
@blp.problems(403, 404, 422)
def advance(body):
    """Move the simulated time forward and run the jobs that came due (admin)."""
    return training_clock.advance_clock(
        runtime.config(), runtime.actor(), body.get("days"), body.get("until")
    )
