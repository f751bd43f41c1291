from workflows.portal import delivery as portal_delivery

from .. import runtime
from ..smorest import Blueprint
from .schemas import OutboxEventSchema, OutboxQueryArgsSchema

blp = Blueprint(
    "portal_admin", __name__, url_prefix="/api/v1/admin/outbox", description="Portal outbox (administration)"
)


@blp.route("")
@blp.arguments(OutboxQueryArgsSchema, location="query")
@blp.response(200, OutboxEventSchema(many=True))
@blp.paginate()
@blp.problems(403)
def list_all(args, pagination_parameters):
    """Portal events by state (``dead``: the dead letters) and case, oldest first (admin)."""
    items, total = portal_delivery.list_outbox(
        runtime.config(), runtime.actor(), args, pagination_parameters.page, pagination_parameters.page_size
    )
    pagination_parameters.item_count = total
    return items


@blp.route("/<int:outbox_id>/redeliver", methods=["POST"])
@blp.response(200, OutboxEventSchema)
@blp.problems(403, 404, 409)
def redeliver(outbox_id):
    """Queue a dead-lettered event again; the case's later events follow it (admin)."""
    return portal_delivery.redeliver(runtime.config(), runtime.actor(), outbox_id)
