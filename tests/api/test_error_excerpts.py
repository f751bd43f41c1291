"""A problem document quotes at most a short excerpt of what was sent, however large it was."""

import pytest

from ..factories import CaseDriver, application, business_key, person_body

START = "/api/v1/process-definitions/qualification_approval/instances"
SMALL = 4000


def test_a_15_mb_invalid_body_gets_a_small_422(client, auth, deployed):
    variables = application(applicant={"name": "检" * 5_000_000, "credit_code": "bad"})
    response = client.post(START, json={"variables": variables}, headers=auth.headers("clerk"))
    assert response.status_code == 422
    assert len(response.data) < SMALL
    errors = {e["pointer"]: e["detail"] for e in response.json["errors"]}
    assert errors["/variables/applicant/name"].startswith("'检检检")
    assert "…" in errors["/variables/applicant/name"]


@pytest.mark.parametrize(
    "data",
    [
        {"decision": "x" * 1_000_000},
        {"decision": {f"k{i}": "v" * 1000 for i in range(1000)}},
        {"decision": "accept", "x" * 100_000: 1},
    ],
    ids=["enum", "type", "additional"],
)
def test_a_form_error_quotes_only_an_excerpt_of_the_value(client, auth, deployed, data):
    case = CaseDriver(client, auth)
    started = case.start()
    response = case.complete(started["id"], "accept_application", "clerk", data, status=422)
    assert len(str(response)) < SMALL
    assert all(len(e["detail"]) <= 300 for e in response["errors"])


def test_an_unknown_field_with_a_huge_name_gets_a_small_422(client, auth):
    body = {**person_body(), "y" * 1_000_000: 1}
    response = client.post("/api/v1/registries/people", json=body, headers=auth.headers("admin"))
    assert response.status_code == 422
    assert len(response.data) < SMALL
    assert response.json["errors"][0]["pointer"].startswith("/yyy")


def test_a_huge_path_is_not_echoed_in_full(client, auth):
    response = client.get("/api/v1/tasks/" + "t" * 20_000, headers=auth.headers("clerk"))
    assert response.status_code == 404
    assert len(response.data) < SMALL


def test_a_thousand_invalid_items_list_a_bounded_number_of_errors(client, auth, deployed):
    variables = application(fields=[{"bad": i} for i in range(1000)])
    body = {"business_key": business_key(), "variables": variables}
    response = client.post(START, json=body, headers=auth.headers("clerk"))
    assert response.status_code == 422
    assert 0 < len(response.json["errors"]) <= 50
    assert len(response.data) < 3 * SMALL
