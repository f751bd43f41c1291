from flask import request

from workflows.deployments import deploy_definitions

from .. import runtime
from ..smorest import Blueprint
from .schemas import DeploymentResultSchema

blp = Blueprint(
    "deployments", __name__, url_prefix="/api/v1/deployments", description="Deploy BPMN, DMN and forms"
)

_UPLOAD = {
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "array", "items": {"type": "string", "format": "binary"}}},
            }
        }
    }
}


@blp.route("", methods=["POST"])
@blp.doc(requestBody=_UPLOAD)
@blp.response(201, DeploymentResultSchema)
@blp.problems(401, 403, 422)
def deploy():
    """Deploy .bpmn, .dmn and form .json files (designers only)."""
    files = [(_name(f.filename), f.read()) for _, f in request.files.items(multi=True)]
    processes = deploy_definitions(runtime.config(), runtime.actor(), files)
    return {"processes": processes}


def _name(filename: str | None) -> str:
    name = (filename or "").replace("\\", "/").lstrip("/")
    return name.removeprefix("forms/")
