"""The registries API: people pools, conflicts, institutions, check items."""

import json

import pytest
from sqlalchemy import select, update

from api.database import db
from workflows.persistence.models import AuditEvent, User

from ..factories import check_item_body, credit_code, institution_body, person_body

BASE = "/api/v1/registries"


def create(client, auth, path, body, group="admin"):
    response = client.post(f"{BASE}/{path}", json=body, headers=auth.headers(group))
    assert response.status_code == 201, response.json
    return response.json


def pointers(response) -> list[str]:
    assert response.mimetype == "application/problem+json"
    return sorted(e["pointer"] for e in response.json["errors"])


def test_review_center_adds_a_reviewer_that_staff_can_read(client, auth):
    auth.token("reviewer", "rev1")
    person = create(client, auth, "people", person_body(username="rev1", can_lead=True), "review_center")
    assert person["fields"] == ["食品"] and person["active"] and person["workload_limit"] is None
    response = client.get(f"{BASE}/people/{person['id']}", headers=auth.headers("clerk"))
    assert response.status_code == 200 and response.json["username"] == "rev1"


def test_people_list_filters_and_paginates(client, auth):
    create(client, auth, "people", person_body("甲", fields=["食品", "环境监测"]))
    create(client, auth, "people", person_body("乙", fields=["建材"]))
    create(client, auth, "people", person_body("丙", kind="inspector", department="SCJG"))
    headers = auth.headers("inspector")
    by_field = client.get(f"{BASE}/people?field=环境监测", headers=headers).json
    assert [p["name"] for p in by_field] == ["甲"]
    reviewers = client.get(f"{BASE}/people?kind=reviewer&page_size=1", headers=headers)
    assert len(reviewers.json) == 1 and json.loads(reviewers.headers["X-Pagination"])["total"] == 2
    assert [p["name"] for p in client.get(f"{BASE}/people?q=丙", headers=headers).json] == ["丙"]


@pytest.mark.postgres
def test_people_field_filter_on_postgres(client, auth):
    create(client, auth, "people", person_body("甲", fields=["食品", "环境监测"]))
    create(client, auth, "people", person_body("乙", fields=["建材"]))
    response = client.get(f"{BASE}/people?field=建材", headers=auth.headers("admin"))
    assert [p["name"] for p in response.json] == ["乙"]


def test_patch_changes_only_the_given_columns_and_is_audited(app, client, auth):
    person = create(client, auth, "people", person_body(workload_limit=3))
    response = client.patch(
        f"{BASE}/people/{person['id']}", json={"active": False}, headers=auth.headers("supervisor")
    )
    assert response.status_code == 200
    after = client.get(f"{BASE}/people/{person['id']}", headers=auth.headers("admin")).json
    assert after["active"] is False and after["workload_limit"] == 3 and after["fields"] == ["食品"]
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.actor) for e in events] == [
        ("person_created", "admin1"),
        ("person_updated", "supervisor1"),
    ]
    assert events[1].details == {"registry": "people", "id": person["id"], "changes": {"active": False}}


@pytest.mark.parametrize(
    ("group", "method", "path", "body"),
    [
        ("clerk", "post", "people", person_body()),
        ("review_center", "post", "institutions", institution_body()),
        ("inspector", "post", "check-items", check_item_body()),
        ("applicant", "get", "people", None),
        ("applicant", "get", "assignments", None),
    ],
)
def test_groups_without_the_right_get_403(client, auth, group, method, path, body):
    response = getattr(client, method)(f"{BASE}/{path}", json=body, headers=auth.headers(group))
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"


def test_schema_errors_are_422_with_pointers(client, auth):
    response = client.post(
        f"{BASE}/people", json={"name": "", "kind": "boss", "fields": "食品"}, headers=auth.headers("admin")
    )
    assert response.status_code == 422
    assert pointers(response) == ["/fields", "/kind", "/name"]


@pytest.mark.parametrize(
    ("path", "body", "pointer"),
    [
        ("people", person_body(kind="expert", can_lead=True), "/can_lead"),
        ("people", person_body(fields=["食品", " "]), "/fields"),
        ("institutions", institution_body(credit_code="91120000MA05XXXX0X"), "/credit_code"),
        ("check-items", check_item_body(proportion=1.5), "/proportion"),
        (
            "check-items",
            check_item_body(inspector_requirements={"min_inspectors": 0}),
            "/inspector_requirements/min_inspectors",
        ),
    ],
)
def test_rule_violations_are_422_with_pointers(client, auth, path, body, pointer):
    response = client.post(f"{BASE}/{path}", json=body, headers=auth.headers("admin"))
    assert response.status_code == 422
    assert pointers(response) == [pointer]


def test_unknown_records_are_404(client, auth):
    headers = auth.headers("admin")
    assert client.get(f"{BASE}/people/999", headers=headers).status_code == 404
    assert client.patch(f"{BASE}/institutions/999", json={"name": "x"}, headers=headers).status_code == 404
    assert client.get(f"{BASE}/people/999/conflicts", headers=headers).status_code == 404
    assert client.get(f"{BASE}/check-items/999", headers=headers).status_code == 404


def test_taken_unique_keys_are_409(client, auth):
    first = create(client, auth, "institutions", institution_body())
    again = client.post(
        f"{BASE}/institutions",
        json=institution_body(credit_code=first["credit_code"]),
        headers=auth.headers("admin"),
    )
    assert again.status_code == 409 and again.json["id"] == first["id"]
    auth.token("reviewer", "wang"), auth.token("reviewer", "li")
    create(client, auth, "people", person_body(username="wang"))
    other = create(client, auth, "people", person_body("李", username="li"))
    clash = client.patch(
        f"{BASE}/people/{other['id']}", json={"username": "wang"}, headers=auth.headers("admin")
    )
    assert clash.status_code == 409


def test_a_pool_person_must_name_an_existing_user_account(client, auth):
    response = client.post(
        f"{BASE}/people", json=person_body(username="ghost"), headers=auth.headers("admin")
    )
    assert response.status_code == 422 and pointers(response) == ["/username"]
    assert "ghost" in response.json["errors"][0]["detail"]
    person = create(client, auth, "people", person_body())
    patched = client.patch(
        f"{BASE}/people/{person['id']}", json={"username": "ghost"}, headers=auth.headers("admin")
    )
    assert patched.status_code == 422 and pointers(patched) == ["/username"]
    after = client.get(f"{BASE}/people/{person['id']}", headers=auth.headers("admin")).json
    assert after["username"] is None


def test_a_pool_person_may_not_name_a_deactivated_account(app, client, auth):
    auth.token("reviewer", "retired")
    with app.app_context():
        db.session.execute(update(User).where(User.name == "retired").values(active=False))
        db.session.commit()
    response = client.post(
        f"{BASE}/people", json=person_body(username="retired"), headers=auth.headers("admin")
    )
    assert response.status_code == 422 and pointers(response) == ["/username"]


def test_conflicts_of_interest_are_recorded_and_ended(client, auth):
    person = create(client, auth, "people", person_body())
    path = f"people/{person['id']}/conflicts"
    body = {"credit_code": credit_code(), "kind": "consulting", "start_date": "2020-01-01", "note": "咨询"}
    conflict = create(client, auth, path, body, "review_center")
    assert conflict["end_date"] is None and conflict["person_id"] == person["id"]
    headers = auth.headers("review_center")
    ended = client.patch(f"{BASE}/{path}/{conflict['id']}", json={"end_date": "2022-06-30"}, headers=headers)
    assert ended.status_code == 200
    assert client.get(f"{BASE}/{path}", headers=headers).json[0]["end_date"] == "2022-06-30"
    backwards = client.patch(
        f"{BASE}/{path}/{conflict['id']}", json={"end_date": "2019-01-01"}, headers=headers
    )
    assert backwards.status_code == 422 and pointers(backwards) == ["/end_date"]


def test_institutions_and_check_items_filter(client, auth):
    create(client, auth, "institutions", institution_body(district="河西区", credit_class="D"))
    create(client, auth, "institutions", institution_body(type="drug_testing"))
    item = create(client, auth, "check-items", check_item_body(target_type="drug_testing"))
    headers = auth.headers("inspector")
    risky = client.get(f"{BASE}/institutions?credit_class=D", headers=headers).json
    assert [i["district"] for i in risky] == ["河西区"]
    items = client.get(f"{BASE}/check-items?target_type=drug_testing", headers=headers).json
    assert [i["code"] for i in items] == [item["code"]]
    assert items[0]["inspector_requirements"] == {"min_inspectors": 2, "fields": ["食品"]}
