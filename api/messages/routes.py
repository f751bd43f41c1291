from workflows.messages import deliver_message

from .. import runtime
from ..smorest import Blueprint
from .schemas import MessageResultSchema, MessageSchema

blp = Blueprint("messages", __name__, url_prefix="/api/v1/messages", description="BPMN messages")


@blp.route("", methods=["POST"])
@blp.arguments(MessageSchema)
@blp.response(200, MessageResultSchema)
@blp.problems(403, 404, 409, 422)
def deliver(body):
    """Deliver a message to the case(s) waiting for it; 404 when none waits."""
    ids = deliver_message(
        runtime.config(), runtime.actor(), body["name"], body.get("business_key"), body["variables"]
    )
    return {"delivered_to": ids}
