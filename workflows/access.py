"""What an applicant's account sees: its own institution's cases, and of them what is meant for it.

Staff read the cases of the processes their groups take part in. An applicant's account
(kind ``user``, group ``applicant`` and no other group) is bound to one institution by its
unified social credit code; it lists, reads and works on only the cases whose
``applicant_code`` is that code, and anything else is "not found", so it cannot learn that
other cases exist. The case's code is projected once, at start, by the process property
``applicantCode`` (an expression over the start variables; by default
``applicant['credit_code']`` when there is an ``applicant`` variable).

Of its own cases an applicant sees the variables named in the process property
``applicantVisible`` (comma-separated) plus, in a task of its own, that task's form fields;
other people's names (assignees, drawn reviewers, who started the case) are left out, and
the history keeps what happened when, not the data staff entered. Portals act for many
institutions and are held to their own cases on their own routes.
"""

from __future__ import annotations

from types import SimpleNamespace

from workflows.engine.parsing import split_list
from workflows.engine.sandbox import SandboxEnvironment
from workflows.errors import InvalidInput, NotPermitted
from workflows.persistence.models import Task

APPLICANT_GROUP = "applicant"
# Groups whose tasks are internal to the bureau (supervision): applicants and portals never see them.
INTERNAL_GROUPS = {"supervisor"}
_TASK_FIELDS = (*Task.__table__.columns.keys(), "candidate_groups", "level", "elapsed_share")
_EVENT_FIELDS = ("id", "at", "actor", "action", "instance_id", "task_id", "details")


def bound_institution(actor) -> str | None:
    """The credit code an applicant's account is limited to; None for staff, portals, the system."""
    if actor.kind != "user" or actor.groups != frozenset({APPLICANT_GROUP}):
        return None
    if not actor.institution:
        raise NotPermitted(
            "此申请人账号未绑定机构，请联系管理部门。 (This applicant account is not bound to an "
            "institution: the bureau must give it the institution's credit code.)"
        )
    return actor.institution


def applicant_code(properties: dict, variables: dict, process_key: str) -> str | None:
    """The applying institution's credit code, from the start variables (``applicantCode``)."""
    expression = properties.get("applicantCode")
    if not expression:
        applicant = variables.get("applicant")
        code = applicant.get("credit_code") if isinstance(applicant, dict) else None
        return code if isinstance(code, str) and 0 < len(code) <= 64 else None
    try:
        code = SandboxEnvironment().evaluate(expression, dict(variables))
    except Exception as exc:
        raise InvalidInput(
            f"the process property applicantCode ({expression}) failed on the start variables: {exc}",
            element=process_key,
        ) from exc
    return code if isinstance(code, str) and 0 < len(code) <= 64 else None


def visible_names(properties: dict) -> set[str]:
    """The variables a process shows its applicants (``applicantVisible``)."""
    return set(split_list(properties.get("applicantVisible")))


def visible_data(data: dict, names: set[str]) -> dict:
    return {name: value for name, value in (data or {}).items() if name in names}


def form_fields(schema: dict | None) -> set[str]:
    return set(((schema or {}).get("properties") or {}).keys())


def applicant_task(task, actor):
    """The task as an applicant sees it: staff who hold or held it are not named."""
    shown = SimpleNamespace(**{name: getattr(task, name) for name in _TASK_FIELDS})
    if shown.assignee != actor.name:
        shown.assignee = None
    if shown.completed_by != actor.name:
        shown.completed_by = None
    return shown


def applicant_history(events, actor, internal_task_ids: set[str]) -> list:
    """The routing history as an applicant sees it: what happened and when; the details and
    names only of its own actions; nothing about internal (supervision) tasks."""
    shown = []
    for event in events:
        if event.task_id in internal_task_ids:
            continue
        entry = SimpleNamespace(**{name: getattr(event, name) for name in _EVENT_FIELDS})
        if event.actor != actor.name:
            element = (event.details or {}).get("element_id")
            entry.actor = None
            entry.details = {"element_id": element} if element else {}
        shown.append(entry)
    return shown
