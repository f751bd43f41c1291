"""Who may call which endpoint: every API endpoint x every role against one table.

``MATRIX`` maps each endpoint (method, path template) to the outcome for every role in
``ROLES``; the endpoints come from the app's URL map, so an endpoint missing from the table
fails the test (new endpoints must be classified). Path parameters are real ids of one world
built once for the module (``world``). A cell expects:

- ``ok``: the role is let through: anything but 401, 403, 404 and 5xx (state-changing calls get a
  harmless body from ``bodies`` or an empty one, so an allowed call may well be 409 or 422; what
  matters is that it was not refused);
- ``401``, ``403``: refused as unauthenticated / forbidden;
- ``404``: the object is hidden from the role (it must not learn that it exists).

Web pages (``/ui``) are out of the table: anonymous requests to every page redirect to the login page.
Every mismatch is collected; the test fails once with the whole list.
"""

from __future__ import annotations

import re

import pytest

from api import create_app
from api.database import db
from workflows.clock import ManualClock
from workflows.persistence.models import ApplicationRestriction
from workflows.portal.clients import register_client, set_service_item

from ..conftest import START, Auth, app_settings
from ..factories import (
    CaseDriver,
    application,
    check_item_body,
    credit_code,
    institution_body,
    person_body,
)
from .portal_support import ITEM_CODE, SignedPortal, case_record

ROLES = (
    "anonymous",
    "portal_a",
    "portal_b",
    "applicant_a",
    "applicant_b",
    "clerk",
    "reviewer",
    "approver",
    "inspector",
    "supervisor",
    "designer",
    "admin",
)
STAFF = ROLES[5:]
OK = "ok"


class World:
    """The app, its users and the ids the path templates are filled with."""

    def __init__(self, app, clock):
        self.app, self.clock = app, clock
        self.client = app.test_client()
        self.auth = Auth(app)
        self.ids: dict[str, object] = {}
        self.portals: dict[str, SignedPortal] = {}
        self.codes = {"a": credit_code(), "b": credit_code()}

    def build(self, tokens: dict) -> None:
        client, auth, ids = self.client, self.auth, self.ids
        auth.tokens.update(tokens)
        config = self.app.extensions["engine_config"]
        with self.app.app_context():
            for name, webhook in (("a", "http://127.0.0.1:9/hooks"), ("b", None)):
                client_id, secret = register_client(config, f"portal-{name}", webhook)
                self.portals[name] = SignedPortal(client, self.clock, client_id, secret)
            set_service_item(config, ITEM_CODE, "qualification_approval", "检验检测机构资质认定")
        driver = CaseDriver(client, auth)
        driver.reviewer_pool()
        for group in STAFF:
            auth.token(group)
        # Institution A's case, started through portal A.
        applicant = {"name": "机构A", "id_type": "uscc", "id_number": self.codes["a"]}
        ids["case_no"] = self.portals["a"].submit(case_record(applicant=applicant))["case_no"]
        listed = self.get(f"/api/v1/process-instances?business_key={ids['case_no']}")
        ids["instance_id"] = listed[0]["id"]
        ids["task_id"] = driver.task(ids["instance_id"], "accept_application", "clerk")["id"]
        # Institution B's case, started by a clerk and accepted: its review team is drawn.
        staff_case = driver.start(
            variables={**application(), "applicant": {"name": "机构B", "credit_code": self.codes["b"]}}
        )
        ids["staff_instance_id"] = staff_case["id"]
        driver.complete(staff_case["id"], "accept_application", "clerk", {"decision": "accept"})
        ids["draw_id"] = driver.instance(staff_case["id"])["variables"]["review_draw"]["draw_id"]
        # Registry records.
        ids["person_id"] = self.get("/api/v1/registries/people")[0]["id"]
        ids["institution_id"] = self.post("/api/v1/registries/institutions", institution_body())["id"]
        ids["item_id"] = self.post("/api/v1/registries/check-items", check_item_body())["id"]
        conflict = {"credit_code": self.codes["b"], "kind": "consulting", "start_date": "2024-01-01"}
        ids["conflict_id"] = self.post(f"/api/v1/registries/people/{ids['person_id']}/conflicts", conflict)[
            "id"
        ]
        # A copy of the staff case to inspector1: a notification.
        copy = {"users": ["inspector1"], "message": "请知悉"}
        self.post(f"/api/v1/process-instances/{staff_case['id']}/copies", copy, status=200)
        ids["notification_id"] = self.get("/api/v1/notifications", group="inspector")[0]["id"]
        outbox = self.get("/api/v1/admin/outbox")
        ids["outbox_id"] = outbox[0]["id"] if outbox else 1
        with self.app.app_context():
            restriction = ApplicationRestriction(
                credit_code=credit_code(),
                kind="normal_procedure_only",
                process_key="qualification_approval",
                reason="告知承诺申请撤回",
                created_by="admin1",
                created_at=START,
            )
            db.session.add(restriction)
            db.session.commit()
            ids["restriction_id"] = restriction.id
        ids.update(key="qualification_approval", year=2026, user="reviewer1", job_id=1)

    def get(self, path: str, group: str = "admin"):
        response = self.client.get(path, headers=self.auth.headers(group))
        assert response.status_code == 200, response.json
        return response.json

    def post(self, path: str, body: dict, status: int = 201):
        response = self.client.post(path, json=body, headers=self.auth.headers("admin"))
        assert response.status_code == status, response.json
        return response.json

    def call(self, role: str, method: str, path: str, body=None):
        if body is None and method in ("POST", "PUT", "PATCH"):
            body = {}
        if role.startswith("portal_"):
            return self.portals[role[-1]].send(method, path, body)
        if role == "anonymous":
            headers = {}
        elif role.startswith("applicant_"):
            headers = self.auth.applicant(self.codes[role[-1]])
        else:
            headers = self.auth.headers(role)
        return self.client.open(path, method=method, json=body, headers=headers)


@pytest.fixture(scope="module")
def world(sqlite_templates, tmp_path_factory):
    """One world for the whole matrix: a copy of the ``deployed`` template, portals A and B,
    institution A's case from portal A, institution B's case from a clerk (accepted, drawn),
    registry records and a notification."""
    database = sqlite_templates.copy("deployed", tmp_path_factory.mktemp("matrix"))
    clock = ManualClock(START)
    settings = {**app_settings(database.url, clock), "BPM_PORTAL_RATE_LIMIT": "100000/minute"}
    app = create_app(settings)
    world = World(app, clock)
    world.build(database.extras["tokens"])
    yield world
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def endpoints(app) -> list[tuple[str, str]]:
    """(method, path template) of every endpoint but the web pages and static files."""
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(("/ui", "/static")):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((method, re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)))
    return sorted(found, key=lambda e: (e[1], e[0]))


# Roles, in the order of each row's cells:
#   anonymous, portal_a, portal_b, applicant_a, applicant_b,
#   clerk, reviewer, approver, inspector, supervisor, designer, admin
# Path parameters name world ids: {instance_id} is institution A's case (from portal A; its open
# task {task_id} is the clerks' acceptance), {draw_id} the draw of institution B's (staff) case,
# {notification_id} inspector1's copy notice. Rows run in this order; a row that changes the
# world for good (portal A withdrawing its case) comes last.
MATRIX = {
    ("GET", "/"): "ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok ",
    ("GET", "/api/docs/assets/{filename}"): "ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok ",
    ("GET", "/api/docs"): "ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok ",
    ("GET", "/api/v1/admin/calendar/incomplete"): "401 401 401 403 403 403 403 403 403 ok  403 ok ",
    ("GET", "/api/v1/admin/calendar/years"): "401 401 401 ok  ok  ok  ok  ok  ok  ok  ok  ok ",
    ("PUT", "/api/v1/admin/calendar/years/{year}"): "401 401 401 403 403 403 403 403 403 403 403 ok ",
    ("GET", "/api/v1/admin/clock"): "401 401 401 404 404 404 404 404 404 404 404 404",
    ("POST", "/api/v1/admin/clock/advance"): "401 401 401 ok  ok  ok  ok  ok  ok  ok  ok  ok ",
    ("GET", "/api/v1/admin/outbox"): "401 401 401 403 403 403 403 403 403 403 403 ok ",
    ("POST", "/api/v1/admin/outbox/{outbox_id}/redeliver"): "401 401 401 403 403 403 403 403 403 403 403 ok ",
    ("GET", "/api/v1/calendar/working-days"): "401 401 401 ok  ok  ok  ok  ok  ok  ok  ok  ok ",
    ("POST", "/api/v1/deployments"): "401 401 401 403 403 403 403 403 403 403 ok  403",
    ("GET", "/api/v1/draws/{draw_id}"): "401 401 401 403 403 403 403 403 403 ok  403 ok ",
    ("POST", "/api/v1/draws/{draw_id}/replay"): "401 401 401 403 403 403 403 403 403 ok  403 ok ",
    ("GET", "/api/v1/healthz"): "ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok ",
    ("GET", "/api/v1/incidents"): "401 401 401 403 403 403 403 403 403 403 403 ok ",
    ("POST", "/api/v1/incidents/{job_id}/retry"): "401 401 401 403 403 403 403 403 403 403 403 ok ",
    ("POST", "/api/v1/messages"): "401 401 401 ok  ok  ok  ok  ok  ok  ok  ok  ok ",
    ("GET", "/api/v1/notifications"): "401 401 401 ok  ok  ok  ok  ok  ok  ok  ok  ok ",
    (
        "POST",
        "/api/v1/notifications/{notification_id}/read",
    ): "401 401 401 404 404 404 404 404 ok  404 404 404",
    ("GET", "/api/v1/openapi.json"): "ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok ",
    ("POST", "/api/v1/portal/applications"): "401 ok  ok  401 401 401 401 401 401 401 401 401",
    ("GET", "/api/v1/portal/applications/{case_no}"): "401 ok  404 401 401 401 401 401 401 401 401 401",
    (
        "POST",
        "/api/v1/portal/applications/{case_no}/query-password",
    ): "401 ok  404 401 401 401 401 401 401 401 401 401",
    (
        "POST",
        "/api/v1/portal/applications/{case_no}/rating",
    ): "401 ok  ok  401 401 401 401 401 401 401 401 401",
    (
        "POST",
        "/api/v1/portal/applications/{case_no}/rectification",
    ): "401 ok  404 401 401 401 401 401 401 401 401 401",
    (
        "POST",
        "/api/v1/portal/applications/{case_no}/supplements",
    ): "401 ok  404 401 401 401 401 401 401 401 401 401",
    ("GET", "/api/v1/portal/events"): "401 ok  ok  401 401 401 401 401 401 401 401 401",
    ("GET", "/api/v1/process-definitions"): "401 401 401 403 403 ok  ok  ok  ok  ok  ok  ok ",
    (
        "POST",
        "/api/v1/process-definitions/{key}/instances",
    ): "401 401 401 403 403 ok  403 403 403 403 403 ok ",
    ("POST", "/api/v1/process-definitions/{key}/migrate"): "401 401 401 403 403 403 403 403 403 403 403 ok ",
    ("GET", "/api/v1/process-definitions/{key}/xml"): "401 401 401 403 403 ok  ok  ok  ok  ok  ok  ok ",
    ("GET", "/api/v1/process-instances"): "401 401 401 ok  ok  ok  ok  ok  ok  ok  ok  ok ",
    ("GET", "/api/v1/process-instances/{instance_id}"): "401 401 401 ok  404 ok  403 ok  403 ok  403 ok ",
    (
        "GET",
        "/api/v1/process-instances/{instance_id}/comments",
    ): "401 401 401 ok  404 ok  403 ok  403 ok  403 ok ",
    (
        "POST",
        "/api/v1/process-instances/{instance_id}/comments",
    ): "401 401 401 403 403 ok  403 ok  403 ok  403 ok ",
    (
        "POST",
        "/api/v1/process-instances/{instance_id}/copies",
    ): "401 401 401 403 403 ok  403 ok  403 ok  403 ok ",
    (
        "GET",
        "/api/v1/process-instances/{instance_id}/history",
    ): "401 401 401 ok  404 ok  403 ok  403 ok  403 ok ",
    (
        "POST",
        "/api/v1/process-instances/{instance_id}/migrate",
    ): "401 401 401 403 403 403 403 403 403 403 403 ok ",
    (
        "POST",
        "/api/v1/process-instances/{instance_id}/move",
    ): "401 401 401 403 403 403 403 403 403 403 403 ok ",
    (
        "POST",
        "/api/v1/process-instances/{instance_id}/remind",
    ): "401 401 401 403 403 ok  403 ok  403 ok  403 ok ",
    (
        "POST",
        "/api/v1/process-instances/{instance_id}/retry",
    ): "401 401 401 403 403 403 403 403 403 403 403 ok ",
    (
        "POST",
        "/api/v1/process-instances/{instance_id}/suspend",
    ): "401 401 401 403 403 403 403 403 403 403 403 ok ",
    (
        "POST",
        "/api/v1/process-instances/{instance_id}/resume",
    ): "401 401 401 403 403 403 403 403 403 403 403 ok ",
    (
        "PATCH",
        "/api/v1/process-instances/{instance_id}/variables",
    ): "401 401 401 403 403 403 403 403 403 403 403 ok ",
    ("GET", "/api/v1/registries/assignments"): "401 401 401 403 403 ok  ok  ok  ok  ok  ok  ok ",
    ("GET", "/api/v1/registries/check-items"): "401 401 401 403 403 ok  ok  ok  ok  ok  ok  ok ",
    ("POST", "/api/v1/registries/check-items"): "401 401 401 403 403 403 403 403 403 ok  403 ok ",
    ("GET", "/api/v1/registries/check-items/{item_id}"): "401 401 401 403 403 ok  ok  ok  ok  ok  ok  ok ",
    ("PATCH", "/api/v1/registries/check-items/{item_id}"): "401 401 401 403 403 403 403 403 403 ok  403 ok ",
    ("GET", "/api/v1/registries/institutions"): "401 401 401 403 403 ok  ok  ok  ok  ok  ok  ok ",
    ("POST", "/api/v1/registries/institutions"): "401 401 401 403 403 403 403 403 403 ok  403 ok ",
    (
        "GET",
        "/api/v1/registries/institutions/{institution_id}",
    ): "401 401 401 403 403 ok  ok  ok  ok  ok  ok  ok ",
    (
        "PATCH",
        "/api/v1/registries/institutions/{institution_id}",
    ): "401 401 401 403 403 403 403 403 403 ok  403 ok ",
    ("GET", "/api/v1/registries/people"): "401 401 401 403 403 ok  ok  ok  ok  ok  ok  ok ",
    ("POST", "/api/v1/registries/people"): "401 401 401 403 403 403 403 403 403 ok  403 ok ",
    ("GET", "/api/v1/registries/people/{person_id}"): "401 401 401 403 403 ok  ok  ok  ok  ok  ok  ok ",
    ("PATCH", "/api/v1/registries/people/{person_id}"): "401 401 401 403 403 403 403 403 403 ok  403 ok ",
    (
        "GET",
        "/api/v1/registries/people/{person_id}/conflicts",
    ): "401 401 401 403 403 403 403 403 403 ok  403 ok ",
    (
        "POST",
        "/api/v1/registries/people/{person_id}/conflicts",
    ): "401 401 401 403 403 403 403 403 403 ok  403 ok ",
    (
        "PATCH",
        "/api/v1/registries/people/{person_id}/conflicts/{conflict_id}",
    ): "401 401 401 403 403 403 403 403 403 ok  403 ok ",
    ("GET", "/api/v1/registries/restrictions"): "401 401 401 403 403 ok  403 ok  403 ok  403 ok ",
    (
        "POST",
        "/api/v1/registries/restrictions/{restriction_id}/lift",
    ): "401 401 401 403 403 403 403 403 403 ok  403 ok ",
    ("GET", "/api/v1/reports/cases"): "401 401 401 403 403 ok  ok  ok  ok  ok  ok  ok ",
    ("GET", "/api/v1/tasks"): "401 401 401 ok  ok  ok  ok  ok  ok  ok  ok  ok ",
    ("POST", "/api/v1/tasks/bulk"): "401 401 401 403 403 403 403 403 403 ok  403 ok ",
    ("GET", "/api/v1/tasks/{task_id}"): "401 401 401 404 404 ok  403 403 403 403 403 ok ",
    ("POST", "/api/v1/tasks/{task_id}/claim"): "401 401 401 404 404 ok  403 403 403 403 403 403",
    ("POST", "/api/v1/tasks/{task_id}/complete"): "401 401 401 404 404 ok  403 403 403 403 403 403",
    ("POST", "/api/v1/tasks/{task_id}/delegate"): "401 401 401 404 404 ok  403 403 403 403 403 403",
    ("POST", "/api/v1/tasks/{task_id}/return"): "401 401 401 403 403 ok  403 403 403 403 403 403",
    ("GET", "/api/v1/tasks/{task_id}/return-targets"): "401 401 401 403 403 ok  403 403 403 403 403 403",
    ("POST", "/api/v1/tasks/{task_id}/signers"): "401 401 401 404 404 ok  403 403 403 403 403 ok ",
    ("DELETE", "/api/v1/tasks/{task_id}/signers/{user}"): "401 401 401 404 404 ok  403 403 403 403 403 ok ",
    ("POST", "/api/v1/tasks/{task_id}/transfer"): "401 401 401 404 404 ok  403 403 403 ok  403 ok ",
    ("POST", "/api/v1/tasks/{task_id}/unclaim"): "401 401 401 404 404 ok  ok  ok  ok  ok  ok  ok ",
    ("POST", "/api/v1/tasks/{task_id}/withdraw"): "401 401 401 403 403 ok  ok  ok  ok  ok  ok  ok ",
    ("DELETE", "/api/v1/users/me/substitute"): "401 401 401 404 404 404 404 404 404 404 404 404",
    ("GET", "/api/v1/users/me/substitute"): "401 401 401 404 404 404 404 404 404 404 404 404",
    ("PUT", "/api/v1/users/me/substitute"): "401 401 401 ok  ok  ok  ok  ok  ok  ok  ok  ok ",
    ("GET", "/healthz"): "ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok ",
    (
        "POST",
        "/api/v1/portal/applications/{case_no}/withdrawal",
    ): "401 ok  404 401 401 401 401 401 401 401 401 401",
    (
        "POST",
        "/api/v1/process-instances/{instance_id}/cancel",
    ): "401 401 401 403 403 403 403 403 403 403 403 ok ",
}


# Bodies that pass the schema, so a refusal checked after it shows in the cell; each is harmless
# to the world when allowed (new records, a comment, a copy, a no-op migration) or undone by the
# next row (suspend, then resume). Other state-changing calls get an empty body.
def bodies(ids: dict) -> dict:
    reason = {"reason": "权限矩阵检查"}
    return {
        ("PUT", "/api/v1/admin/calendar/years/{year}"): {"source": "matrix", "holidays": {}},
        ("POST", "/api/v1/admin/clock/advance"): {"days": 0},
        ("POST", "/api/v1/messages"): {"name": "matrix_no_such_message"},
        ("POST", "/api/v1/process-definitions/{key}/migrate"): {
            "from_version": 1,
            "to_version": 1,
            "dry_run": True,
        },
        ("POST", "/api/v1/process-instances/{instance_id}/cancel"): reason,
        ("POST", "/api/v1/process-instances/{instance_id}/comments"): {"text": "权限矩阵检查"},
        ("POST", "/api/v1/process-instances/{instance_id}/copies"): {"users": ["approver1"]},
        ("POST", "/api/v1/process-instances/{instance_id}/migrate"): {"version": 1},
        ("POST", "/api/v1/process-instances/{instance_id}/move"): {**reason, "to": "matrix_no_such_step"},
        ("POST", "/api/v1/process-instances/{instance_id}/suspend"): reason,
        ("POST", "/api/v1/process-instances/{instance_id}/resume"): reason,
        ("PATCH", "/api/v1/process-instances/{instance_id}/variables"): {**reason, "set": {"matrix": 1}},
        ("POST", "/api/v1/registries/check-items"): check_item_body(),
        ("POST", "/api/v1/registries/institutions"): institution_body(),
        ("POST", "/api/v1/registries/people"): person_body("矩阵评审"),
        ("POST", "/api/v1/registries/people/{person_id}/conflicts"): {
            "credit_code": credit_code(),
            "kind": "consulting",
            "start_date": "2024-01-01",
        },
        ("POST", "/api/v1/registries/restrictions/{restriction_id}/lift"): reason,
        ("POST", "/api/v1/tasks/bulk"): {"operation": "claim", "task_ids": [ids["task_id"]]},
        ("POST", "/api/v1/tasks/{task_id}/delegate"): {"to": "clerk1"},
        ("POST", "/api/v1/tasks/{task_id}/return"): {**reason, "target": "matrix_no_such_step"},
        ("POST", "/api/v1/tasks/{task_id}/signers"): {"users": ["clerk1"], "position": "after"},
        ("POST", "/api/v1/tasks/{task_id}/transfer"): {"to": "clerk1"},
        ("PUT", "/api/v1/users/me/substitute"): {"user": "clerk1", "from": "2026-03-02", "to": "2026-03-03"},
    }


# Web pages anonymous requests may reach; every other /ui page redirects them to the login page.
PUBLIC_PAGES = {"/ui/login", "/ui/language", "/ui/static/{filename}"}


def expected_row(cells: str) -> dict[str, str]:
    outcomes = cells.split()
    assert len(outcomes) == len(ROLES), cells
    return dict(zip(ROLES, outcomes, strict=True))


def matches(expected: str, status: int) -> bool:
    if expected == OK:
        return status not in (401, 403, 404) and status < 500
    return status == int(expected)


def test_every_endpoint_is_in_the_matrix(world):
    found = set(endpoints(world.app))
    missing = sorted(found - MATRIX.keys(), key=lambda e: (e[1], e[0]))
    stale = sorted(MATRIX.keys() - found, key=lambda e: (e[1], e[0]))
    assert not missing, f"endpoints without a row in MATRIX (classify them): {missing}"
    assert not stale, f"rows of MATRIX for endpoints that no longer exist: {stale}"


def test_every_role_gets_the_expected_status_on_every_endpoint(world):
    params = {**world.ids, "filename": "swagger-ui.css"}
    sent = bodies(world.ids)
    mismatches = []
    for (method, template), cells in MATRIX.items():
        path = template.format(**params)
        for role, expected in expected_row(cells).items():
            status = world.call(role, method, path, sent.get((method, template))).status_code
            if not matches(expected, status):
                mismatches.append(f"{method} {template} x {role}: expected {expected}, got {status}")
    assert not mismatches, f"{len(mismatches)} cells differ:\n" + "\n".join(mismatches)


def test_anonymous_requests_to_web_pages_go_to_the_login_page(world):
    """Pages (GET) redirect to the login page; form posts are refused (no CSRF token) or redirected."""
    params = {**world.ids, "kind": "people", "version": 1, "filename": "x"}
    wrong = []
    for rule in world.app.url_map.iter_rules():
        template = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        if not template.startswith("/ui") or template in PUBLIC_PAGES:
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        response = world.client.open(template.format(**params), method=method)
        to_login = response.status_code in (302, 303) and response.headers["Location"].split("?")[0].endswith(
            "/ui/login"
        )
        if not (to_login or (method == "POST" and response.status_code == 400)):
            wrong.append(f"{method} {template}: {response.status_code}")
    assert not wrong, "web pages not sending anonymous requests to the login page:\n" + "\n".join(wrong)
