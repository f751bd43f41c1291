import marshmallow as ma

from workflows.notifications import list_notifications

from .. import runtime
from ..fields import DateTime
from ..smorest import Blueprint, Schema

blp = Blueprint("notifications", __name__, url_prefix="/api/v1/notifications", description="Reminders (催办)")


class NotificationSchema(Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    recipient_group = ma.fields.String(allow_none=True)
    recipient_user = ma.fields.String(allow_none=True)
    instance_id = ma.fields.String(allow_none=True)
    task_id = ma.fields.String(allow_none=True)
    business_key = ma.fields.String(allow_none=True)
    message = ma.fields.String()
    created_at = DateTime()
    read = ma.fields.Boolean(metadata={"description": "you marked it read (POST .../read)"})


@blp.route("")
@blp.response(200, NotificationSchema(many=True))
@blp.paginate()
def list_all(pagination_parameters):
    """Reminders and notices for you or your groups, newest first."""
    items, total = list_notifications(
        runtime.config(), runtime.actor(), pagination_parameters.page, pagination_parameters.page_size
    )
    pagination_parameters.item_count = total
    return items
