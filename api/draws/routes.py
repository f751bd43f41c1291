from workflows.draws import records as draw_records

from .. import runtime
from ..smorest import Blueprint
from .schemas import DrawSchema, ReplaySchema

blp = Blueprint(
    "draws", __name__, url_prefix="/api/v1/draws", description="Random draw records (随机抽取记录)"
)


@blp.route("/<int:draw_id>")
@blp.response(200, DrawSchema)
@blp.problems(403, 404)
def get(draw_id):
    """A draw: who, when, seed, candidates, exclusions with reasons, result."""
    return draw_records.get_draw(runtime.config(), runtime.actor(), draw_id)


@blp.route("/<int:draw_id>/replay", methods=["POST"])
@blp.response(200, ReplaySchema)
@blp.problems(403, 404, 409)
def replay(draw_id):
    """Recompute a draw from its stored inputs and say whether the result matches."""
    return draw_records.replay_draw(runtime.config(), runtime.actor(), draw_id)
