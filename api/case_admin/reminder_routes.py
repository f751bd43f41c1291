import marshmallow as ma

from workflows import notifications, reminders

from .. import runtime
from ..fields import Name, Text
from ..notifications.routes import NotificationSchema
from ..smorest import Blueprint, Schema

blp = Blueprint("reminders", __name__, url_prefix="/api/v1", description="Reminders (催办) and copies (抄送)")


class RemindSchema(Schema):
    message = Text(allow_none=True, validate=ma.validate.Length(max=2000))


class CopySchema(Schema):
    users = ma.fields.List(
        Name(validate=ma.validate.Length(min=1, max=255)),
        required=True,
        validate=ma.validate.Length(min=1, max=50),
    )
    message = Text(allow_none=True, validate=ma.validate.Length(max=2000))


class SentSchema(Schema):
    instance_id = ma.fields.String()
    recipients = ma.fields.List(ma.fields.String(), metadata={"description": "users, or group:<name>"})
    notifications = ma.fields.Integer()


@blp.route("/process-instances/<instance_id>/remind", methods=["POST"])
@blp.arguments(RemindSchema)
@blp.response(200, SentSchema)
@blp.problems(403, 404, 409, 429)
def remind(body, instance_id):
    """Remind (催办) whoever holds the case's open tasks; once an hour per case."""
    return reminders.remind(runtime.config(), runtime.actor(), instance_id, body.get("message"))


@blp.route("/process-instances/<instance_id>/copies", methods=["POST"])
@blp.arguments(CopySchema)
@blp.response(200, SentSchema)
@blp.problems(403, 404, 422)
def copy(body, instance_id):
    """Copy the case (抄送) to staff: they may read it from now on and are notified."""
    return reminders.copy_case(
        runtime.config(), runtime.actor(), instance_id, body["users"], body.get("message")
    )


@blp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@blp.response(200, NotificationSchema)
@blp.problems(404)
def read(notification_id):
    """Mark one of your notices read."""
    return notifications.mark_read(runtime.config(), runtime.actor(), notification_id)
