from flask import Response

from workflows.deployments import read_definition, read_definitions

from .. import runtime
from ..smorest import Blueprint
from .schemas import DefinitionQueryArgsSchema, DefinitionSchema, XmlQueryArgsSchema

blp = Blueprint(
    "definitions", __name__, url_prefix="/api/v1/process-definitions", description="Process definitions"
)


@blp.route("")
@blp.arguments(DefinitionQueryArgsSchema, location="query")
@blp.response(200, DefinitionSchema(many=True))
@blp.problems(403)
def list_all(args):
    """List the latest version of each process (or every version with all_versions)."""
    return read_definitions(runtime.config(), runtime.actor(), args.get("key"), args["all_versions"])


@blp.route("/<key>/xml")
@blp.arguments(XmlQueryArgsSchema, location="query")
@blp.response(200, content_type="application/xml")
@blp.problems(403, 404)
def xml(args, key):
    """The BPMN XML of a version (the latest by default)."""
    definition = read_definition(runtime.config(), runtime.actor(), key, args.get("version"))
    return Response(definition.bpmn_xml, mimetype="application/xml")
