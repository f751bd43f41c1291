"""Each permission rule admits exactly its groups (the rules of ``workflows/access.py``)."""

from __future__ import annotations

import pytest

from ..conftest import GROUPS
from ..factories import check_item_body, institution_body, person_body

UNKNOWN_CASE = "/api/v1/process-instances/00000000-0000-4000-8000-000000000000"
STAFF = set(GROUPS) - {"applicant"}
RULES = [
    ("GET", "/api/v1/incidents", None, {"admin"}),
    ("POST", "/api/v1/incidents/1/retry", None, {"admin"}),
    ("GET", "/api/v1/admin/outbox", None, {"admin"}),
    ("POST", f"{UNKNOWN_CASE}/cancel", {"reason": "撤销"}, {"admin"}),
    ("POST", f"{UNKNOWN_CASE}/retry", {}, {"admin"}),
    ("GET", "/api/v1/admin/calendar/incomplete", None, {"admin", "supervisor"}),
    (
        "GET",
        "/api/v1/registries/restrictions",
        None,
        {"admin", "supervisor", "clerk", "approver", "review_center"},
    ),
    ("POST", "/api/v1/registries/restrictions/1/lift", {"reason": "复议撤销"}, {"admin", "supervisor"}),
    ("GET", "/api/v1/registries/institutions", None, STAFF),
    ("GET", "/api/v1/registries/assignments", None, STAFF),
    ("POST", "/api/v1/registries/institutions", institution_body(), {"admin", "supervisor"}),
    ("POST", "/api/v1/registries/check-items", check_item_body(), {"admin", "supervisor"}),
    ("POST", "/api/v1/registries/people", person_body(), {"admin", "supervisor", "review_center"}),
    ("GET", "/api/v1/draws/1", None, set(GROUPS)),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "admitted"), RULES, ids=[f"{m} {p}" for m, p, *_ in RULES]
)
def test_each_rule_admits_exactly_its_groups(client, auth, method, path, body, admitted):
    refused = set()
    for group in GROUPS:
        response = client.open(path, method=method, json=body, headers=auth.headers(group))
        assert response.status_code < 500, (group, response.get_json())
        if response.status_code == 403:
            refused.add(group)
    assert refused == set(GROUPS) - admitted
