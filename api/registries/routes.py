from workflows.draws import assignments
from workflows.registries import records as registries

from .. import runtime
from ..smorest import Blueprint
from .schemas import (
    AssignmentQueryArgsSchema,
    AssignmentSchema,
    CheckItemCreateSchema,
    CheckItemQueryArgsSchema,
    CheckItemSchema,
    CheckItemUpdateSchema,
    ConflictCreateSchema,
    ConflictSchema,
    ConflictUpdateSchema,
    InstitutionCreateSchema,
    InstitutionQueryArgsSchema,
    InstitutionSchema,
    InstitutionUpdateSchema,
    PersonCreateSchema,
    PersonQueryArgsSchema,
    PersonSchema,
    PersonUpdateSchema,
)

blp = Blueprint(
    "registries",
    __name__,
    url_prefix="/api/v1/registries",
    description="People pools, inspection targets, check items and assignments (一单两库)",
)


def _page(name, args, pagination_parameters):
    items, total = registries.list_records(
        runtime.config(),
        runtime.actor(),
        name,
        args,
        pagination_parameters.page,
        pagination_parameters.page_size,
    )
    pagination_parameters.item_count = total
    return items


@blp.route("/people")
@blp.arguments(PersonQueryArgsSchema, location="query")
@blp.response(200, PersonSchema(many=True))
@blp.paginate()
@blp.problems(403)
def list_people(args, pagination_parameters):
    """List reviewers, experts and inspectors, by id."""
    return _page("people", args, pagination_parameters)


@blp.route("/people", methods=["POST"])
@blp.arguments(PersonCreateSchema)
@blp.response(201, PersonSchema)
@blp.problems(403, 409, 422)
def create_person(body):
    """Add a person to a pool (admin, supervisor, review_center)."""
    return registries.create_record(runtime.config(), runtime.actor(), "people", body)


@blp.route("/people/<int:person_id>")
@blp.response(200, PersonSchema)
@blp.problems(403, 404)
def get_person(person_id):
    """A person of the pools."""
    return registries.get_record(runtime.config(), runtime.actor(), "people", person_id)


@blp.route("/people/<int:person_id>", methods=["PATCH"])
@blp.arguments(PersonUpdateSchema)
@blp.response(200, PersonSchema)
@blp.problems(403, 404, 409, 422)
def update_person(body, person_id):
    """Change a person's fields, activity, limit... (admin, supervisor, review_center)."""
    return registries.update_record(runtime.config(), runtime.actor(), "people", person_id, body)


@blp.route("/people/<int:person_id>/conflicts")
@blp.response(200, ConflictSchema(many=True))
@blp.problems(403, 404)
def list_conflicts(person_id):
    """A person's conflicts of interest (回避 grounds), oldest first."""
    return registries.list_conflicts(runtime.config(), runtime.actor(), person_id)


@blp.route("/people/<int:person_id>/conflicts", methods=["POST"])
@blp.arguments(ConflictCreateSchema)
@blp.response(201, ConflictSchema)
@blp.problems(403, 404, 422)
def create_conflict(body, person_id):
    """Record a conflict of interest with an institution."""
    return registries.add_conflict(runtime.config(), runtime.actor(), person_id, body)


@blp.route("/people/<int:person_id>/conflicts/<int:conflict_id>", methods=["PATCH"])
@blp.arguments(ConflictUpdateSchema)
@blp.response(200, ConflictSchema)
@blp.problems(403, 404, 422)
def update_conflict(body, person_id, conflict_id):
    """Correct a conflict of interest, e.g. set the date it ended."""
    return registries.update_conflict(runtime.config(), runtime.actor(), person_id, conflict_id, body)


@blp.route("/institutions")
@blp.arguments(InstitutionQueryArgsSchema, location="query")
@blp.response(200, InstitutionSchema(many=True))
@blp.paginate()
@blp.problems(403)
def list_institutions(args, pagination_parameters):
    """List inspection targets (检查对象名录库), by id."""
    return _page("institutions", args, pagination_parameters)


@blp.route("/institutions", methods=["POST"])
@blp.arguments(InstitutionCreateSchema)
@blp.response(201, InstitutionSchema)
@blp.problems(403, 409, 422)
def create_institution(body):
    """Add an institution (admin, supervisor)."""
    return registries.create_record(runtime.config(), runtime.actor(), "institutions", body)


@blp.route("/institutions/<int:institution_id>")
@blp.response(200, InstitutionSchema)
@blp.problems(403, 404)
def get_institution(institution_id):
    """An institution."""
    return registries.get_record(runtime.config(), runtime.actor(), "institutions", institution_id)


@blp.route("/institutions/<int:institution_id>", methods=["PATCH"])
@blp.arguments(InstitutionUpdateSchema)
@blp.response(200, InstitutionSchema)
@blp.problems(403, 404, 409, 422)
def update_institution(body, institution_id):
    """Change an institution (admin, supervisor)."""
    return registries.update_record(runtime.config(), runtime.actor(), "institutions", institution_id, body)


@blp.route("/check-items")
@blp.arguments(CheckItemQueryArgsSchema, location="query")
@blp.response(200, CheckItemSchema(many=True))
@blp.paginate()
@blp.problems(403)
def list_check_items(args, pagination_parameters):
    """List the check item list (抽查事项清单), by id."""
    return _page("check_items", args, pagination_parameters)


@blp.route("/check-items", methods=["POST"])
@blp.arguments(CheckItemCreateSchema)
@blp.response(201, CheckItemSchema)
@blp.problems(403, 409, 422)
def create_check_item(body):
    """Add a check item (admin, supervisor)."""
    return registries.create_record(runtime.config(), runtime.actor(), "check_items", body)


@blp.route("/check-items/<int:item_id>")
@blp.response(200, CheckItemSchema)
@blp.problems(403, 404)
def get_check_item(item_id):
    """A check item."""
    return registries.get_record(runtime.config(), runtime.actor(), "check_items", item_id)


@blp.route("/check-items/<int:item_id>", methods=["PATCH"])
@blp.arguments(CheckItemUpdateSchema)
@blp.response(200, CheckItemSchema)
@blp.problems(403, 404, 409, 422)
def update_check_item(body, item_id):
    """Change a check item (admin, supervisor)."""
    return registries.update_record(runtime.config(), runtime.actor(), "check_items", item_id, body)


@blp.route("/assignments")
@blp.arguments(AssignmentQueryArgsSchema, location="query")
@blp.response(200, AssignmentSchema(many=True))
@blp.paginate()
@blp.problems(403)
def list_assignments(args, pagination_parameters):
    """Seats handed out by draws and their responses, newest first."""
    items, total = assignments.list_assignments(
        runtime.config(), runtime.actor(), args, pagination_parameters.page, pagination_parameters.page_size
    )
    pagination_parameters.item_count = total
    return items
