"""The case page (流程跟踪): data, materials, routing history, statutory clock, draws."""

from __future__ import annotations

from flask import Blueprint, render_template

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
        comments={s.id: _comment(s.submitted_data) for s in tracking["steps"]},
        materials=_materials(tracking["case"].variables),
        processes=usecases.process_names(),
        case_comments=usecases.case_comments(instance_id),
    )


def _comment(data: dict | None) -> str:
    for name in COMMENT_FIELDS:
        if isinstance((data or {}).get(name), str) and data[name].strip():
            return data[name]
    return ""


def _materials(variables: dict) -> list[tuple[str, str]]:
    """The file references among the case's variables (``file://...``), as (variable, reference)."""
    found = []
    for name, value in sorted((variables or {}).items()):
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item.startswith(("file://", "https://", "http://")):
                found.append((name, item))
    return found
