"""Numbers past what the database holds, over-long query strings and NUL in queries are problems,
never 500s; the walks are driven by the OpenAPI document, so a new route is covered by itself."""

import re

import pytest

HUGE = 190594720904481205125120
PAST_INT32 = 2**31
FILLERS = {"integer": "1", "string": "x"}


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").json


def _operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, operation, [*item.get("parameters", []), *operation.get("parameters", [])]


def _url(path: str, parameters, **values) -> str:
    types = {p["name"]: p["schema"].get("type") for p in parameters if p["in"] == "path"}
    return re.sub(r"{(\w+)}", lambda m: str(values.get(m[1], FILLERS[types[m[1]]])), path)


def _send(client, auth, portal, method, url, body=None):
    if url.startswith("/api/v1/portal/"):
        return portal.send(method.upper(), url, body)
    return client.open(url, method=method.upper(), json=body, headers=auth.headers("admin"))


def _pointers(response) -> list[str]:
    return [e["pointer"] for e in response.json.get("errors") or []]


@pytest.mark.parametrize("value", [PAST_INT32, HUGE])
def test_every_route_with_an_id_answers_404_to_an_id_past_the_database_range(client, auth, spec, value):
    checked = []
    for path, method, _, parameters in _operations(spec):
        ids = [p["name"] for p in parameters if p["in"] == "path" and p["schema"].get("type") == "integer"]
        for name in ids:
            url = _url(path, parameters, **{name: value})
            response = client.open(url, method=method.upper(), json={}, headers=auth.headers("admin"))
            assert (response.status_code, response.mimetype) == (404, "application/problem+json"), url
            checked.append(url)
    assert any(url.startswith(f"/api/v1/draws/{value}") for url in checked)
    assert len(checked) >= 10


@pytest.mark.parametrize("value", [PAST_INT32, HUGE])
def test_every_list_answers_422_to_a_page_past_the_range(client, auth, spec, value):
    lists = [
        path
        for path, method, _, parameters in _operations(spec)
        if any(p["name"] == "page" for p in parameters)
    ]
    assert len(lists) >= 7
    for path in lists:
        response = client.get(f"{path}?page={value}", headers=auth.headers("admin"))
        assert response.status_code == 422, path
        assert _pointers(response) == ["/page"]


def test_every_integer_query_parameter_answers_422_past_the_range(client, auth, spec, portal):
    checked = []
    for path, method, _, parameters in _operations(spec):
        numbers = [
            p["name"] for p in parameters if p["in"] == "query" and p["schema"].get("type") == "integer"
        ]
        for name in numbers:
            response = _send(client, auth, portal, method, f"{_url(path, parameters)}?{name}={HUGE}")
            assert response.status_code == 422, (path, name)
            assert f"/{name}" in _pointers(response), (path, name)
            checked.append((path, name))
    assert {("/api/v1/portal/events", "after"), ("/api/v1/registries/assignments", "draw_id")} <= set(checked)


def _integer_fields(spec, schema, pointer=""):
    """(pointer, body) for every writable integer property of a request schema, nested ones too."""
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    for name, prop in (schema.get("properties") or {}).items():
        if prop.get("readOnly"):
            continue
        if prop.get("type") == "integer" or "integer" in (prop.get("type") or []):
            yield f"{pointer}/{name}", {name: PAST_INT32}
        elif "$ref" in prop or prop.get("type") == "object":
            for inner, body in _integer_fields(spec, prop, f"{pointer}/{name}"):
                yield inner, {name: body}


def test_every_integer_body_field_answers_422_past_the_range(client, auth, spec, portal):
    checked = []
    for path, method, operation, parameters in _operations(spec):
        content = operation.get("requestBody", {}).get("content", {}).get("application/json")
        for pointer, body in _integer_fields(spec, content["schema"]) if content else []:
            response = _send(client, auth, portal, method, _url(path, parameters), body)
            assert response.status_code == 422, (path, pointer)
            assert pointer in _pointers(response), (path, pointer)
            checked.append(pointer)
    assert {"/workload_limit", "/inspector_requirements/min_inspectors", "/level", "/version"} <= set(checked)


def test_a_workload_limit_past_the_range_is_422_and_nothing_changes(client, auth):
    headers = auth.headers("admin")
    person = client.post(
        "/api/v1/registries/people", json={"name": "张评审", "kind": "reviewer"}, headers=headers
    )
    url = f"/api/v1/registries/people/{person.json['id']}"
    response = client.patch(url, json={"workload_limit": 10**30}, headers=headers)
    assert response.status_code == 422
    assert _pointers(response) == ["/workload_limit"]
    assert client.get(url, headers=headers).json["workload_limit"] is None


def test_a_query_string_past_the_bound_is_a_414_problem(client, auth):
    fits = client.get("/api/v1/tasks?business_key=" + "a" * (4096 - 13), headers=auth.headers("clerk"))
    assert fits.status_code == 200
    response = client.get("/api/v1/tasks?business_key=" + "a" * (4096 - 12), headers=auth.headers("clerk"))
    assert (response.status_code, response.mimetype) == (414, "application/problem+json")
    assert "4096 bytes" in response.json["detail"]
    assert len(response.data) < 1000


@pytest.mark.postgres
@pytest.mark.parametrize("query", ["business_key=a%00b", "process_key=%00"])
def test_a_nul_in_a_query_filter_is_422_with_the_pointer(client, auth, query):
    response = client.get(f"/api/v1/process-instances?{query}", headers=auth.headers("admin"))
    assert response.status_code == 422
    assert _pointers(response) == ["/" + query.split("=")[0]]


@pytest.mark.postgres
def test_a_nul_in_a_stored_name_is_422_on_postgresql(client, auth):
    response = client.post(
        "/api/v1/registries/people",
        json={"name": "张\u0000三", "kind": "reviewer"},
        headers=auth.headers("admin"),
    )
    assert response.status_code == 422
    assert _pointers(response) == ["/name"]


@pytest.mark.postgres
@pytest.mark.parametrize(
    "path", ["/api/v1/process-definitions/a%00b/xml", "/api/v1/process-definitions/%1B/xml"]
)
def test_a_path_segment_with_a_control_character_names_nothing(client, auth, path):
    response = client.get(path, headers=auth.headers("admin"))
    assert (response.status_code, response.mimetype) == (404, "application/problem+json")
