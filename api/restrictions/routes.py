from workflows.registries import restrictions as application_restrictions

from .. import runtime
from ..smorest import Blueprint
from .schemas import RestrictionLiftSchema, RestrictionQueryArgsSchema, RestrictionSchema

blp = Blueprint(
    "restrictions",
    __name__,
    url_prefix="/api/v1/registries/restrictions",
    description="Application restrictions: bans and the normal-procedure rule (申请限制)",
)


@blp.route("")
@blp.arguments(RestrictionQueryArgsSchema, location="query")
@blp.response(200, RestrictionSchema(many=True))
@blp.paginate()
@blp.problems(403)
def list_all(args, pagination_parameters):
    """Restrictions on institutions' applications, newest first."""
    items, total = application_restrictions.list_restrictions(
        runtime.config(), runtime.actor(), args, pagination_parameters.page, pagination_parameters.page_size
    )
    pagination_parameters.item_count = total
    return items


@blp.route("/<int:restriction_id>/lift", methods=["POST"])
@blp.arguments(RestrictionLiftSchema)
@blp.response(200, RestrictionSchema)
@blp.problems(403, 404, 409, 422)
def lift(body, restriction_id):
    """End a restriction early, with the reason (admin, supervisor)."""
    return application_restrictions.lift_restriction(
        runtime.config(), runtime.actor(), restriction_id, body["reason"]
    )
