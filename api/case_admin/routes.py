from workflows import case_repair, migration

from .. import runtime
from ..instances.schemas import InstanceSchema
from ..smorest import Blueprint
from .schemas import (
    BulkMigrateSchema,
    MigrateSchema,
    MigrationResultSchema,
    MoveSchema,
    VariablesEditedSchema,
    VariablesEditSchema,
)

blp = Blueprint(
    "case_repair", __name__, url_prefix="/api/v1", description="Case repair and migration (admin)"
)


@blp.route("/process-instances/<instance_id>/move", methods=["POST"])
@blp.arguments(MoveSchema)
@blp.response(200, InstanceSchema)
@blp.problems(403, 404, 409, 422)
def move(body, instance_id):
    """Move the case's token: run an earlier step again, or skip ahead (admin)."""
    return case_repair.move_token(
        runtime.config(), runtime.actor(), instance_id, body["to"], body["reason"], body.get("source")
    )


@blp.route("/process-instances/<instance_id>/variables", methods=["PATCH"])
@blp.arguments(VariablesEditSchema)
@blp.response(200, VariablesEditedSchema)
@blp.problems(403, 404, 409, 422)
def edit_variables(body, instance_id):
    """Set and remove case variables, audited with the diff (admin); then retry if in error."""
    view, diff = case_repair.edit_variables(
        runtime.config(), runtime.actor(), instance_id, body["set"], body["unset"], body["reason"]
    )
    return {"instance": view, "diff": diff}


@blp.route("/process-instances/<instance_id>/migrate", methods=["POST"])
@blp.arguments(MigrateSchema)
@blp.response(200, InstanceSchema)
@blp.problems(403, 404, 409, 422)
def migrate(body, instance_id):
    """Move a running case to another version of its process (admin); 409 lists why it cannot."""
    return migration.migrate_instance(runtime.config(), runtime.actor(), instance_id, body["version"])


@blp.route("/process-definitions/<key>/migrate", methods=["POST"])
@blp.arguments(BulkMigrateSchema)
@blp.response(200, MigrationResultSchema(many=True))
@blp.problems(403, 404, 422)
def migrate_all(body, key):
    """Every case of one version: migratable or why not, and migrated unless a dry run (admin)."""
    return migration.migrate_definition(
        runtime.config(), runtime.actor(), key, body["from_version"], body["to_version"], body["dry_run"]
    )
