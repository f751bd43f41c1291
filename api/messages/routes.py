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
    """Deliver a message to the one case it names; 404 when none waits, 409 when several match."""
    ids = deliver_message(
        runtime.config(),
        runtime.actor(),
        body["name"],
        body["variables"],
        business_key=body.get("business_key"),
        process_key=body.get("process_key"),
        correlation_keys=body["correlation_keys"],
    )
    return {"delivered_to": ids}
