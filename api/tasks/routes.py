from workflows import tasks

from .. import runtime
from ..smorest import Blueprint
from .schemas import (
    CompletionResultSchema,
    TaskCompletionSchema,
    TaskDetailSchema,
    TaskQueryArgsSchema,
    TaskSchema,
)

blp = Blueprint("tasks", __name__, url_prefix="/api/v1/tasks", description="Worklist and task actions")


@blp.route("")
@blp.arguments(TaskQueryArgsSchema, location="query")
@blp.response(200, TaskSchema(many=True))
@blp.paginate()
def worklist(args, pagination_parameters):
    """Your worklist, due first; supervisors filtering by overdue or level see every open task."""
    items, total = tasks.worklist(
        runtime.config(), runtime.actor(), args, pagination_parameters.page, pagination_parameters.page_size
    )
    pagination_parameters.item_count = total
    return items


@blp.route("/<task_id>")
@blp.response(200, TaskDetailSchema)
@blp.problems(403, 404)
def get(task_id):
    """A task with its form (JSON Schema and UI schema) and the data it sees."""
    return tasks.get_task(runtime.config(), runtime.actor(), task_id)


@blp.route("/<task_id>/claim", methods=["POST"])
@blp.response(200, TaskSchema)
@blp.problems(403, 404, 409)
def claim(task_id):
    """Claim a task of one of your groups."""
    return tasks.claim_task(runtime.config(), runtime.actor(), task_id)


@blp.route("/<task_id>/unclaim", methods=["POST"])
@blp.response(200, TaskSchema)
@blp.problems(403, 404, 409)
def unclaim(task_id):
    """Give a claimed task back to its groups."""
    return tasks.unclaim_task(runtime.config(), runtime.actor(), task_id)


@blp.route("/<task_id>/complete", methods=["POST"])
@blp.arguments(TaskCompletionSchema)
@blp.response(200, CompletionResultSchema)
@blp.problems(403, 404, 409, 422)
def complete(body, task_id):
    """Complete a task with its form data (claims it implicitly if unclaimed)."""
    task, instance = tasks.complete_task(runtime.config(), runtime.actor(), task_id, body["data"])
    return {"task": task, "instance": instance}
