from workflows.operations import returns

from .. import runtime
from ..smorest import Blueprint
from .returns_schemas import OperationResultSchema, ReturnSchema, ReturnTargetSchema, WithdrawSchema

blp = Blueprint(
    "task_returns", __name__, url_prefix="/api/v1/tasks", description="Return (退回) and withdraw (撤回)"
)


@blp.route("/<task_id>/return-targets")
@blp.response(200, ReturnTargetSchema(many=True))
@blp.problems(403, 404, 409)
def return_targets(task_id):
    """The earlier steps this task may be returned to, the previous one first."""
    return returns.return_targets(runtime.config(), runtime.actor(), task_id)


@blp.route("/<task_id>/return", methods=["POST"])
@blp.arguments(ReturnSchema)
@blp.response(200, OperationResultSchema)
@blp.problems(403, 404, 409, 422)
def return_task(body, task_id):
    """Return the task to an earlier step (退回), with a reason; what is open after that step is cancelled."""
    return returns.return_task(runtime.config(), runtime.actor(), task_id, body["target"], body["reason"])


@blp.route("/<task_id>/withdraw", methods=["POST"])
@blp.arguments(WithdrawSchema)
@blp.response(200, OperationResultSchema)
@blp.problems(403, 404, 409, 422)
def withdraw(body, task_id):
    """Take back a task you completed (撤回) while no later step has been completed."""
    return returns.withdraw_task(runtime.config(), runtime.actor(), task_id, body.get("reason"))
