from workflows.portal import actions as portal_actions
from workflows.portal import applications as portal_applications
from workflows.portal import delivery as portal_delivery

from .. import runtime
from ..instances.schemas import IdempotencyHeaderSchema
from ..smorest import Blueprint
from .schemas import (
    ApplicationSchema,
    CaseSchema,
    EventPageSchema,
    EventQueryArgsSchema,
    PasswordSchema,
    QueryPasswordHeaderSchema,
    RatingSchema,
    SubmissionSchema,
    TaskDataSchema,
    WithdrawalSchema,
)

blp = Blueprint(
    "portal",
    __name__,
    url_prefix="/api/v1/portal",
    description="E-government portal (全国一体化在线政务服务平台): signed requests, not bearer tokens",
)
SIGNED = [{"portalSignature": []}]


@blp.route("/applications", methods=["POST"])
@blp.doc(security=SIGNED)
@blp.arguments(IdempotencyHeaderSchema, location="headers", as_kwargs=True)
@blp.arguments(ApplicationSchema)
@blp.response(201, SubmissionSchema)
@blp.problems(401, 404, 409, 422)
def submit(body, idempotency_key=None):
    """Submit a case record (办件); starts the process its item code is mapped to."""
    submission = portal_applications.submit_application(
        runtime.config(), runtime.actor(), body, idempotency_key
    )
    if submission.created:
        return submission
    return submission, 200, {"Idempotent-Replayed": "true"}


@blp.route("/applications/<case_no>")
@blp.doc(security=SIGNED)
@blp.arguments(QueryPasswordHeaderSchema, location="headers", as_kwargs=True)
@blp.response(200, CaseSchema)
@blp.problems(401, 404)
def get(case_no, query_password=None):
    """A case: status, steps, history, due date, result; another portal's case needs X-Query-Password."""
    return portal_applications.get_case(runtime.config(), runtime.actor(), case_no, query_password)


@blp.route("/applications/<case_no>/query-password", methods=["POST"])
@blp.doc(security=SIGNED)
@blp.response(200, PasswordSchema)
@blp.problems(401, 404)
def reset_password(case_no):
    """Issue a new query password for a case this portal submitted (the old one stops working)."""
    view, password = portal_applications.reset_query_password(runtime.config(), runtime.actor(), case_no)
    return {"case_no": view.case_no, "query_password": password}


@blp.route("/applications/<case_no>/supplements", methods=["POST"])
@blp.doc(security=SIGNED)
@blp.arguments(TaskDataSchema)
@blp.response(200, CaseSchema)
@blp.problems(401, 404, 409, 422)
def supplements(body, case_no):
    """Submit the supplements (补正) the clerk asked for."""
    return portal_actions.submit_applicant_step(
        runtime.config(), runtime.actor(), case_no, "supplements", body
    )


@blp.route("/applications/<case_no>/rectification", methods=["POST"])
@blp.doc(security=SIGNED)
@blp.arguments(TaskDataSchema)
@blp.response(200, CaseSchema)
@blp.problems(401, 404, 409, 422)
def rectification(body, case_no):
    """Submit the rectification report (整改)."""
    return portal_actions.submit_applicant_step(
        runtime.config(), runtime.actor(), case_no, "rectification", body
    )


@blp.route("/applications/<case_no>/withdrawal", methods=["POST"])
@blp.doc(security=SIGNED)
@blp.arguments(WithdrawalSchema)
@blp.response(200, CaseSchema)
@blp.problems(401, 404, 409)
def withdraw(body, case_no):
    """Withdraw (撤回) the application; allowed until the decision."""
    return portal_actions.withdraw_application(runtime.config(), runtime.actor(), case_no, body.get("note"))


@blp.route("/applications/<case_no>/rating", methods=["POST"])
@blp.doc(security=SIGNED)
@blp.arguments(RatingSchema)
@blp.response(200, CaseSchema)
@blp.problems(401, 404, 409, 422)
def rate(body, case_no):
    """Rate the service (好差评) once the case has ended; a comment is required below 3."""
    return portal_actions.rate_service(
        runtime.config(), runtime.actor(), case_no, body["level"], body.get("comment")
    )


@blp.route("/events")
@blp.doc(security=SIGNED)
@blp.arguments(EventQueryArgsSchema, location="query")
@blp.response(200, EventPageSchema)
@blp.problems(401)
def events(args):
    """Your events after the cursor ``after`` (your client sequence), oldest first: catch up by polling."""
    items = portal_delivery.poll_events(runtime.config(), runtime.actor(), args["after"], args["limit"])
    return {"events": items, "next_after": items[-1]["client_sequence"] if items else args["after"]}
