"""The case page's diagram as JSON for its viewer: the version's BPMN XML, the elements the
case has passed, waits at and failed at, and who did each step when."""

from __future__ import annotations

from flask import Blueprint, jsonify

from . import usecases
from .formatting import moment
from .problems import json_problems

blp = Blueprint("case_diagram", __name__, url_prefix="/ui/cases")


@blp.route("/<instance_id>/diagram")
@json_problems
def diagram(instance_id):
    """The case's diagram with its path so far (the case page's viewer reads it)."""
    found = usecases.case_diagram(instance_id)
    return jsonify(
        process_key=found.process_key,
        version=found.version,
        xml=found.xml,
        completed=found.completed,
        current=found.current,
        error=found.error,
        steps={element: [_step(t) for t in tasks] for element, tasks in found.steps.items()},
    )


def _step(task) -> dict:
    return {
        "name": task.name,
        "state": task.state,
        "by": task.completed_by or task.assignee or "、".join(task.candidate_groups),
        "received": moment(task.created_at),
        "completed": moment(task.completed_at),
        "due": moment(task.due_at),
    }
