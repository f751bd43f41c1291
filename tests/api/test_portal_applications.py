"""Case records from a portal: submission, idempotent resubmission, validation, look-up."""

from sqlalchemy import select

from api.database import db
from workflows.persistence.models import PortalCase, ProcessInstance

from .portal_support import ITEM_CODE, case_record

APPLICATIONS = "/api/v1/portal/applications"


def test_submission_starts_the_mapped_process_with_the_case_number(portal, app, client, auth):
    record = case_record()
    submitted = portal.submit(record)
    case_no = submitted["case_no"]
    assert case_no == "2026120000000001"
    assert len(submitted["query_password"]) == 10
    assert submitted["case"]["status"] == "received"
    assert [s["element_id"] for s in submitted["case"]["current_steps"]] == ["accept_application"]
    found = client.get(
        f"/api/v1/process-instances?business_key={case_no}", headers=auth.headers("clerk")
    ).json
    assert found[0]["process_key"] == "qualification_approval"
    assert found[0]["started_by"] == f"portal:{portal.client_id}"
    variables = found[0]["variables"]
    assert variables["applicant"]["credit_code"] == record["applicant"]["id_number"]
    assert (variables["case_no"], variables["procedure"]) == (case_no, "normal")
    with app.app_context():
        stored = db.session.scalar(select(PortalCase).where(PortalCase.case_no == case_no))
        assert submitted["query_password"] not in stored.query_password_hash
        assert stored.materials[0]["type"] == "application_form"
    assert portal.submit()["case_no"] == "2026120000000002"


def test_resending_the_same_submission_returns_the_same_case(portal, app):
    record = case_record()
    first = portal.submit(record, key="portal-req-1")
    again = portal.post(APPLICATIONS, record, headers={"Idempotency-Key": "portal-req-1"})
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json["case_no"] == first["case_no"]
    assert again.json["query_password"] is None
    with app.app_context():
        assert db.session.query(PortalCase).count() == 1
        assert db.session.query(ProcessInstance).count() == 1


def test_the_same_key_with_a_different_body_is_409(portal):
    portal.submit(case_record(), key="portal-req-2")
    conflict = portal.post(
        APPLICATIONS, case_record(channel="app"), headers={"Idempotency-Key": "portal-req-2"}
    )
    assert conflict.status_code == 409


def test_an_unknown_item_code_is_422_listing_the_accepted_codes(portal):
    response = portal.post(APPLICATIONS, case_record(item_code="999"))
    assert response.status_code == 422
    assert response.json["accepted_codes"] == [ITEM_CODE]
    assert response.json["errors"][0]["pointer"] == "/item_code"


def test_item_data_is_checked_by_the_start_form_with_pointers_into_the_record(portal):
    record = case_record(item_data={"application_type": "first", "fields": ["食品"]})
    record["applicant"] = {"name": "某检测公司", "id_type": "uscc", "id_number": "91120000ABCDEFGHIJ"}
    response = portal.post(APPLICATIONS, record)
    assert response.status_code == 422
    assert sorted(e["pointer"] for e in response.json["errors"]) == [
        "/applicant/id_number",
        "/item_data/procedure",
    ]


def test_the_case_record_schema_names_bad_fields(portal):
    record = case_record()
    record["materials"][0]["sha256"] = "XYZ"
    del record["received_at"]
    response = portal.post(APPLICATIONS, record)
    assert response.status_code == 422
    assert sorted(e["pointer"] for e in response.json["errors"]) == ["/materials/0/sha256", "/received_at"]


def test_another_portal_needs_the_query_password(portal, other_portal):
    submitted = portal.submit()
    path = f"{APPLICATIONS}/{submitted['case_no']}"
    assert other_portal.get(path).status_code == 404
    assert other_portal.get(path, headers={"X-Query-Password": "WRONGWRONG"}).status_code == 404
    shown = other_portal.get(path, headers={"X-Query-Password": submitted["query_password"]})
    assert shown.status_code == 200 and shown.json["case_no"] == submitted["case_no"]
    assert portal.get(path).status_code == 200
    assert portal.get(path, headers={"X-Query-Password": "WRONGWRONG"}).status_code == 404
    assert portal.get(f"{APPLICATIONS}/2026120000999999").status_code == 404


def test_the_submitting_portal_may_reset_the_query_password(portal, other_portal):
    submitted = portal.submit()
    path = f"{APPLICATIONS}/{submitted['case_no']}"
    reset = portal.post(f"{path}/query-password")
    assert reset.status_code == 200
    new = reset.json["query_password"]
    assert (
        other_portal.get(path, headers={"X-Query-Password": submitted["query_password"]}).status_code == 404
    )
    assert other_portal.get(path, headers={"X-Query-Password": new}).status_code == 200
    assert other_portal.post(f"{path}/query-password").status_code == 404
