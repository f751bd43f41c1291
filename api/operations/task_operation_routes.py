"""Transfer (转办), delegate (委派), added signers (加签/减签), comments (意见), substitutes
(代理) and supervisors' bulk actions."""

from workflows.operations import assignment, bulk, comments, signers, substitutes

from .. import runtime
from ..errors import status_of
from ..instances.schemas import AuditEventSchema
from ..smorest import Blueprint
from ..tasks.schemas import TaskSchema
from .task_operation_schemas import (
    BulkItemSchema,
    BulkSchema,
    CommentSchema,
    DelegationSchema,
    SignersSchema,
    SubstituteOutSchema,
    SubstituteSchema,
    TransferSchema,
)

blp = Blueprint(
    "task_operations", __name__, url_prefix="/api/v1", description="Transfer, delegate, signers, comments"
)


@blp.route("/tasks/<task_id>/transfer", methods=["POST"])
@blp.arguments(TransferSchema)
@blp.response(200, TaskSchema)
@blp.problems(403, 404, 409, 422)
def transfer(body, task_id):
    """Give the task to another person who may do it (转办)."""
    return assignment.transfer_task(runtime.config(), runtime.actor(), task_id, body["to"], body["reason"])


@blp.route("/tasks/<task_id>/delegate", methods=["POST"])
@blp.arguments(DelegationSchema)
@blp.response(200, TaskSchema)
@blp.problems(403, 404, 409, 422)
def delegate(body, task_id):
    """Let another person answer the task; it then comes back to you to confirm (委派)."""
    return assignment.delegate_task(runtime.config(), runtime.actor(), task_id, body["to"])


@blp.route("/tasks/<task_id>/signers", methods=["POST"])
@blp.arguments(SignersSchema)
@blp.response(201, TaskSchema(many=True))
@blp.problems(403, 404, 409, 422)
def add_signers(body, task_id):
    """Add signers before, after or beside you (加签); their new tasks."""
    return signers.add_signers(runtime.config(), runtime.actor(), task_id, body["users"], body["position"])


@blp.route("/tasks/<task_id>/signers/<user>", methods=["DELETE"])
@blp.response(200, TaskSchema)
@blp.problems(403, 404, 409, 422)
def remove_signer(task_id, user):
    """Remove an added signer who has not signed yet (减签)."""
    return signers.remove_signer(runtime.config(), runtime.actor(), task_id, user)


@blp.route("/tasks/bulk", methods=["POST"])
@blp.arguments(BulkSchema)
@blp.response(200, BulkItemSchema(many=True))
@blp.problems(403, 422)
def bulk_operate(body):
    """Claim, complete or transfer many tasks (supervisors); each succeeds or fails alone."""
    items = bulk.bulk_operate(runtime.config(), runtime.actor(), **body)
    return [
        {
            "task_id": i.task_id,
            "status": 200 if i.error is None else status_of(i.error),
            "problem": i.error and i.error.detail,
        }
        for i in items
    ]


@blp.route("/process-instances/<instance_id>/comments", methods=["POST"])
@blp.arguments(CommentSchema)
@blp.response(201, AuditEventSchema)
@blp.problems(403, 404, 409, 422)
def add_comment(body, instance_id):
    """Comment on the case at its current step (意见)."""
    return comments.add_comment(runtime.config(), runtime.actor(), instance_id, body["text"])


@blp.route("/process-instances/<instance_id>/comments")
@blp.response(200, AuditEventSchema(many=True))
@blp.problems(403, 404)
def list_comments(instance_id):
    """The case's comments with the steps they were made at, oldest first."""
    return comments.case_comments(runtime.config(), runtime.actor(), instance_id)


@blp.route("/users/me/substitute", methods=["PUT"])
@blp.arguments(SubstituteSchema)
@blp.response(200, SubstituteOutSchema)
@blp.problems(403, 422)
def set_substitute(body):
    """Name who takes your new tasks while you are away (代理)."""
    return substitutes.set_substitute(
        runtime.config(), runtime.actor(), body["user"], body["from_"], body["to"]
    )


@blp.route("/users/me/substitute")
@blp.response(200, SubstituteOutSchema)
@blp.problems(404)
def get_substitute():
    """Your substitute and the period."""
    return substitutes.get_substitute(runtime.config(), runtime.actor())


@blp.route("/users/me/substitute", methods=["DELETE"])
@blp.response(204)
@blp.problems(404)
def remove_substitute():
    """End your substitution now."""
    substitutes.remove_substitute(runtime.config(), runtime.actor())
