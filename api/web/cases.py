"""The case page (流程跟踪): data, materials, routing history, statutory clock, draws."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext as _

from . import usecases

blp = Blueprint("cases", __name__, url_prefix="/ui/cases")
# Answer fields a step's row quotes as its comment, the first one present.
COMMENT_FIELDS = ("comment", "opinion", "reason", "decline_reason", "findings", "note")


@blp.route("/<instance_id>")
def case(instance_id):
    """A case with every step, who took it and when, its clock and its draws."""
    tracking = usecases.case_tracking(instance_id)
    return render_template(
        "case.html",
        **tracking,
        comments={s.id: _comment(s.submitted_data) for s in tracking["steps"]}
        | _returns(tracking["history"]),
        materials=_materials(tracking["case"].variables),
        processes=usecases.process_names(),
        case_comments=usecases.case_comments(instance_id),
        withdrawable=usecases.withdrawable([s.id for s in tracking["steps"] if s.state == "completed"]),
    )


def _comment(data: dict | None) -> str:
    for name in COMMENT_FIELDS:
        if isinstance((data or {}).get(name), str) and data[name].strip():
            return data[name]
    return ""


def _returns(history) -> dict[str, str]:
    """The reason of each return (退回), quoted on the row of the task it was returned from."""
    return {
        e.task_id: _(
            "Returned to %(step)s: %(reason)s",
            step=e.details.get("to_step") or e.details["to_element_id"],
            reason=e.details["reason"],
        )
        for e in history
        if e.action == "task_returned" and e.task_id and "reason" in (e.details or {})
    }


def _materials(variables: dict) -> list[tuple[str, str]]:
    """The file references among the case's variables (``file://...``), as (variable, reference)."""
    found = []
    for name, value in sorted((variables or {}).items()):
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item.startswith(("file://", "https://", "http://")):
                found.append((name, item))
    return found
