"""Who may do what: the groups the engine's rules name, the permission rules, and what an
applicant's account sees of its own institution's cases.

Every group name the code uses is a constant here and every permission rule a function here;
the use cases ask them. Diagrams name the other groups (lanes, ``candidateGroups``,
``candidateStarterGroups``): those are data, matched against an account's groups as they are.

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
from workflows.engine.step_properties import names
from workflows.errors import InvalidInput, NotPermitted
from workflows.persistence.models import Task

ADMIN = "admin"
DESIGNER = "designer"
SUPERVISOR = "supervisor"
REVIEW_CENTER = "review_center"
CLERK = "clerk"
APPROVER = "approver"
# The institution's own accounts and the portals acting for it; every other group is staff.
APPLICANT = "applicant"
GROUPS = (ADMIN, DESIGNER, SUPERVISOR, REVIEW_CENTER, CLERK, APPROVER, APPLICANT)

# Groups whose tasks are internal to the bureau (supervision): applicants and portals never see them.
INTERNAL_GROUPS = frozenset({SUPERVISOR})
# Who keeps the institution pool and the check item list (write).
REGISTRY_KEEPERS = frozenset({ADMIN, SUPERVISOR})
# Who keeps the people pools and their conflicts of interest (write).
POOL_KEEPERS = REGISTRY_KEEPERS | {REVIEW_CENTER}
# Who oversees draws: reads every draw record in full.
DRAW_OVERSEERS = frozenset({ADMIN, SUPERVISOR, REVIEW_CENTER})
# Who reads application restrictions (bans, the normal-procedure rule), and who lifts them.
RESTRICTION_READERS = frozenset({ADMIN, SUPERVISOR, CLERK, APPROVER, REVIEW_CENTER})
RESTRICTION_LIFTERS = frozenset({ADMIN, SUPERVISOR})
# Who oversees time limits (效能监察): sees every open task when filtering by level or overdue.
TASK_OVERSEERS = frozenset({SUPERVISOR, ADMIN})
_TASK_FIELDS = (*Task.__table__.columns.keys(), "candidate_groups", "level", "elapsed_share")
_EVENT_FIELDS = ("id", "at", "actor", "action", "instance_id", "task_id", "details")


def is_admin(actor) -> bool:
    return ADMIN in actor.groups


def require_admin(actor, doing: str) -> None:
    """Administrators only: ``doing`` ends the refusal, "only administrators <doing>"."""
    if not is_admin(actor):
        raise NotPermitted(f"only administrators {doing}")


def is_staff(actor) -> bool:
    """Bureau staff: anyone with a group other than the applicants'."""
    return bool(set(actor.groups) - {APPLICANT})


def may_deploy(actor) -> bool:
    return DESIGNER in actor.groups


def may_read_definitions(actor) -> bool:
    """The processes and their BPMN are the bureau's: the diagrams hold the supervision steps,
    the scripts and the conditions (auto-approval, spot checks) applicants must not see."""
    return is_staff(actor) or actor.kind == "system"


def takes_part(actor, groups) -> bool:
    """One of the actor's groups is among ``groups`` (a process's lanes, a task's candidates)."""
    return actor.in_any(groups)


def may_start(actor, starter_groups) -> bool:
    """Administrators start any process; others one whose ``candidateStarterGroups`` hold them."""
    return is_admin(actor) or takes_part(actor, starter_groups)


def may_read_every_case(actor) -> bool:
    return is_admin(actor)


def may_work_on(actor, task) -> bool:
    """The task is assigned to the actor, or offered to one of their groups."""
    return task.assignee == actor.name or takes_part(actor, task.candidate_groups)


def may_oversee_tasks(actor) -> bool:
    return takes_part(actor, TASK_OVERSEERS)


def operation_allowed(task, operation: str) -> bool:
    """The step's ``allowedOperations`` (BPMN property) lists ``operation``; a step without
    the property allows every operation."""
    listed = getattr(task, "allowed_operations", None)
    return listed is None or operation in names(listed)


def require_operation(task, operation: str) -> None:
    if not operation_allowed(task, operation):
        raise NotPermitted(
            f"the step '{task.name}' does not allow {operation} "
            f"(allowedOperations: {task.allowed_operations})"
        )


def is_active_staff(user) -> bool:
    """An account (a ``User`` row) that is active and has a group other than the applicants'."""
    return user is not None and user.active and bool(set(user.groups or ()) - {APPLICANT})


def may_be_given(user, task) -> bool:
    """``user`` (an account) may be given ``task`` (转办, 委派): an active staff account in one
    of the task's candidate groups, or any active staff account for a task offered to no group."""
    if not is_active_staff(user):
        return False
    return not task.candidate_groups or bool(set(user.groups) & set(task.candidate_groups))


def may_hand_on(actor, task) -> bool:
    """Transfer or delegate ``task``: its holder (or, unclaimed, a member of its groups),
    a supervisor or an administrator."""
    if task.assignee == actor.name or is_admin(actor) or may_oversee_tasks(actor):
        return True
    return task.assignee is None and takes_part(actor, task.candidate_groups)


def is_internal(task) -> bool:
    """A supervision task: never shown to applicants and portals."""
    return bool(INTERNAL_GROUPS & set(task.candidate_groups))


def may_read_every_draw(actor) -> bool:
    return takes_part(actor, DRAW_OVERSEERS)


def may_write_registry(actor, registry) -> bool:
    return takes_part(actor, registry.writers)


def may_read_conflicts(actor, person) -> bool:
    """A person's conflicts of interest: the pool's keepers, supervisors and the person themself."""
    return takes_part(actor, POOL_KEEPERS | {SUPERVISOR}) or person.username == actor.name


def may_read_restrictions(actor) -> bool:
    return takes_part(actor, RESTRICTION_READERS)


def may_lift_restrictions(actor) -> bool:
    return takes_part(actor, RESTRICTION_LIFTERS)


def may_load_holidays(actor) -> bool:
    """Administrators, and the engine itself (setup commands)."""
    return is_admin(actor) or actor.kind == "system"


def may_see_calendar_flags(actor) -> bool:
    """The tasks and cases whose dates reach a year without holiday data."""
    return is_admin(actor) or SUPERVISOR in actor.groups


def bound_institution(actor) -> str | None:
    """The credit code an applicant's account is limited to; None for staff, portals, the system."""
    if actor.kind != "user" or actor.groups != frozenset({APPLICANT}):
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
    shown.owner = shown.on_behalf_of = None
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
