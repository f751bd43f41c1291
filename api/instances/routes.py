from workflows import case_administration, instances

from .. import runtime
from ..smorest import Blueprint
from .schemas import (
    AuditEventSchema,
    IdempotencyHeaderSchema,
    InstanceQueryArgsSchema,
    InstanceSchema,
    InstanceStartSchema,
    ReasonSchema,
    RetrySchema,
)

blp = Blueprint("instances", __name__, url_prefix="/api/v1", description="Process instances (cases)")


@blp.route("/process-definitions/<key>/instances", methods=["POST"])
@blp.arguments(IdempotencyHeaderSchema, location="headers", as_kwargs=True)
@blp.arguments(InstanceStartSchema)
@blp.response(201, InstanceSchema)
@blp.problems(401, 403, 404, 409, 422)
def start(body, key, idempotency_key=None):
    """Start an instance of the latest (or given) version of a process."""
    view, created = instances.start_instance(
        runtime.config(),
        runtime.actor(),
        key,
        body.get("business_key"),
        body["variables"],
        body.get("version"),
        idempotency_key,
    )
    return view, 201, {} if created else {"Idempotent-Replayed": "true"}


@blp.route("/process-instances")
@blp.arguments(InstanceQueryArgsSchema, location="query")
@blp.response(200, InstanceSchema(many=True))
@blp.paginate()
def list_all(args, pagination_parameters):
    """List the instances you may read, newest first."""
    items, total = instances.list_instances(
        runtime.config(), runtime.actor(), args, pagination_parameters.page, pagination_parameters.page_size
    )
    pagination_parameters.item_count = total
    return items


@blp.route("/process-instances/<instance_id>")
@blp.response(200, InstanceSchema)
@blp.problems(403, 404)
def get(instance_id):
    """An instance: status, variables, active tasks, definition version."""
    return instances.get_instance(runtime.config(), runtime.actor(), instance_id)


@blp.route("/process-instances/<instance_id>/history")
@blp.response(200, AuditEventSchema(many=True))
@blp.problems(403, 404)
def history(instance_id):
    """The audit events of the case, oldest first."""
    return instances.instance_history(runtime.config(), runtime.actor(), instance_id)


@blp.route("/process-instances/<instance_id>/cancel", methods=["POST"])
@blp.arguments(ReasonSchema)
@blp.response(200, InstanceSchema)
@blp.problems(403, 404, 409, 422)
def cancel(body, instance_id):
    """Cancel a case, with the reason (admin)."""
    return case_administration.cancel_instance(runtime.config(), runtime.actor(), instance_id, body["reason"])


@blp.route("/process-instances/<instance_id>/suspend", methods=["POST"])
@blp.arguments(ReasonSchema)
@blp.response(200, InstanceSchema)
@blp.problems(403, 404, 409, 422)
def suspend(body, instance_id):
    """Suspend a case, with the reason: its tasks leave the worklists until resumed (admin)."""
    return case_administration.suspend_instance(
        runtime.config(), runtime.actor(), instance_id, body["reason"]
    )


@blp.route("/process-instances/<instance_id>/resume", methods=["POST"])
@blp.arguments(ReasonSchema)
@blp.response(200, InstanceSchema)
@blp.problems(403, 404, 409, 422)
def resume(body, instance_id):
    """Resume a suspended case, with the reason (admin)."""
    return case_administration.resume_instance(runtime.config(), runtime.actor(), instance_id, body["reason"])


@blp.route("/process-instances/<instance_id>/retry", methods=["POST"])
@blp.arguments(RetrySchema)
@blp.response(200, InstanceSchema)
@blp.problems(403, 404, 409)
def retry(body, instance_id):
    """Run the failed element of a case in error again, optionally fixing variables (admin)."""
    return case_administration.retry_instance(
        runtime.config(), runtime.actor(), instance_id, body["variables"]
    )
