"""Names, keys and codes refuse control characters and bidirectional controls; free text keeps
its line breaks but refuses the rest."""

import pytest

from ..factories import application, business_key, check_item_body, institution_body, person_body
from .portal_support import case_record

START = "/api/v1/process-definitions/qualification_approval/instances"
HIDDEN = ["\u202e", "\u2066", "\n", "\x07", "\x1b", "\x7f", "\x85"]


def _pointers(response) -> list[str]:
    return [e["pointer"] for e in response.json.get("errors") or []]


@pytest.mark.parametrize("char", HIDDEN)
def test_a_business_key_with_a_hidden_character_is_422_and_nothing_starts(client, auth, deployed, char):
    key = f"TJ-2026{char}-0001"
    body = {"business_key": key, "variables": application()}
    response = client.post(START, json=body, headers=auth.headers("clerk"))
    assert response.status_code == 422
    assert _pointers(response) == ["/business_key"]
    assert "U+" in response.json["errors"][0]["detail"]
    listed = client.get("/api/v1/process-instances", headers=auth.headers("admin")).json
    assert listed == []


@pytest.mark.parametrize("field", ["name", "business_key"])
def test_a_message_name_or_business_key_with_a_bidi_override_is_422(client, auth, field):
    body = {"name": "public_security_answer", "business_key": "TJ-1", field: "TJ\u202e1-"}
    response = client.post("/api/v1/messages", json=body, headers=auth.headers("admin"))
    assert response.status_code == 422
    assert _pointers(response) == [f"/{field}"]


def test_an_idempotency_key_with_a_control_character_is_422(client, auth, deployed):
    headers = {**auth.headers("clerk"), "Idempotency-Key": "req\x1b1"}
    body = {"business_key": business_key(), "variables": application()}
    response = client.post(START, json=body, headers=headers)
    assert response.status_code == 422
    assert _pointers(response) == ["/Idempotency-Key"]


@pytest.mark.parametrize(
    "path, body, pointer",
    [
        ("people", person_body("张\u202e三"), "/name"),
        ("people", person_body(username="wang\n"), "/username"),
        ("people", person_body(fields=["食品", "环境\x1b监测"]), "/fields/1"),
        ("people", person_body(district="和平区\u2067"), "/district"),
        ("institutions", institution_body(name="天津\x85检测"), "/name"),
        ("institutions", institution_body(certificate_no="CMA\x00"), "/certificate_no"),
        ("check-items", check_item_body(code="CI\u202d01"), "/code"),
        ("check-items", check_item_body(method="现场\t检查"), "/method"),
    ],
)
def test_registry_names_and_codes_with_hidden_characters_are_422(client, auth, path, body, pointer):
    response = client.post(f"/api/v1/registries/{path}", json=body, headers=auth.headers("admin"))
    assert response.status_code == 422
    assert _pointers(response) == [pointer]
    assert client.get(f"/api/v1/registries/{path}", headers=auth.headers("admin")).json == []


def test_a_patch_renaming_a_person_with_a_bidi_isolate_is_422(client, auth):
    person = client.post("/api/v1/registries/people", json=person_body(), headers=auth.headers("admin")).json
    url = f"/api/v1/registries/people/{person['id']}"
    response = client.patch(url, json={"name": "\u2068张评审"}, headers=auth.headers("admin"))
    assert response.status_code == 422
    assert client.get(url, headers=auth.headers("admin")).json["name"] == person["name"]


def test_free_text_keeps_line_breaks_but_refuses_bidi_controls(client, auth):
    person = client.post("/api/v1/registries/people", json=person_body(), headers=auth.headers("admin")).json
    url = f"/api/v1/registries/people/{person['id']}/conflicts"
    conflict = {"credit_code": "91120000AY4CL12THN", "kind": "consulting", "start_date": "2024-01-01"}
    kept = client.post(
        url, json={**conflict, "note": "曾任顾问\n2024年起\t至今"}, headers=auth.headers("admin")
    )
    assert kept.status_code == 201
    assert kept.json["note"] == "曾任顾问\n2024年起\t至今"
    refused = client.post(url, json={**conflict, "note": "曾任\u202e顾问"}, headers=auth.headers("admin"))
    assert refused.status_code == 422
    assert _pointers(refused) == ["/note"]


@pytest.mark.parametrize(
    "change, pointer",
    [
        (
            {"applicant": {"name": "天津\u202e某公司", "id_type": "uscc", "id_number": "91120000AY4CL12THN"}},
            "/applicant/name",
        ),
        ({"channel": "web\n"}, "/channel"),
        ({"item_version": "2.0\u2069"}, "/item_version"),
    ],
)
def test_portal_case_fields_with_hidden_characters_are_422(portal, change, pointer):
    response = portal.post("/api/v1/portal/applications", case_record(**change))
    assert response.status_code == 422
    assert _pointers(response) == [pointer]


def test_a_portal_material_name_with_a_control_character_is_422(portal):
    record = case_record()
    record["materials"][0]["name"] = "申请书\x08"
    response = portal.post("/api/v1/portal/applications", record)
    assert response.status_code == 422
    assert _pointers(response) == ["/materials/0/name"]
