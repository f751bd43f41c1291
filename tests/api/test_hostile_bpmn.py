"""A corpus of hostile diagrams (tests/data/hostile/ plus a few built here because they are big):
each is refused at deployment with a problem naming its file, or deployed and contained when a
case runs it (the case in error naming the element, the service answering, other cases going on).
No answer ever carries the content of a local file."""

from __future__ import annotations

import json
import socket
import time

import pytest
import requests

from ..factories import DATA, CaseDriver, bpmn_document, multipart, one_task_process
from ..test_gunicorn import gunicorn

HOSTILE = DATA / "hostile"
LIMIT = 0.5
# What /etc/passwd (or any local account file) would leak if an entity or include were resolved.
LEAKS = ("root:x:0:0", "/bin/sh", "/usr/sbin/nologin", "daemon:x:")


def _many_elements(count: int = 5000) -> bytes:
    """start -> `count` script tasks in a row -> end: 2 * count elements and flows."""
    steps = "".join(
        f'<bpmn:scriptTask id="s{i}"><bpmn:script>x = {i}</bpmn:script></bpmn:scriptTask>'
        f'<bpmn:sequenceFlow id="f{i}" sourceRef="{"start" if i == 0 else f"s{i - 1}"}" targetRef="s{i}" />'
        for i in range(count // 2)
    )
    return bpmn_document(
        '<bpmn:process id="many" isExecutable="true" camunda:candidateStarterGroups="clerk">'
        f'<bpmn:startEvent id="start" />{steps}'
        f'<bpmn:sequenceFlow id="f_end" sourceRef="s{count // 2 - 1}" targetRef="end" />'
        '<bpmn:endEvent id="end" /></bpmn:process>'
    )


def _huge_text() -> bytes:
    """A 12 MB documentation text node (under the 16 MB body limit)."""
    body = one_task_process("huge_text").decode()
    return body.replace(
        '<bpmn:userTask id="do_it"',
        f'<bpmn:task id="huge"><bpmn:documentation>{"文" * 4_000_000}</bpmn:documentation></bpmn:task>'
        '<bpmn:userTask id="do_it"',
    ).encode()


def _deep_nesting(depth: int = 50_000) -> bytes:
    body = one_task_process("deep").decode()
    nested = "<x:n>" * depth + "</x:n>" * depth
    return body.replace(
        '<bpmn:startEvent id="start" />',
        '<bpmn:startEvent id="start"><bpmn:extensionElements xmlns:x="urn:x">'
        f"{nested}</bpmn:extensionElements></bpmn:startEvent>",
    ).encode()


GENERATED = {
    "generated_5000_elements.bpmn": _many_elements,
    "generated_huge_text_node.bpmn": _huge_text,
    "generated_deep_nesting.bpmn": _deep_nesting,
}
CORPUS = sorted(p.name for p in HOSTILE.glob("*.bpmn")) + sorted(GENERATED)


def _content(name: str) -> bytes:
    return GENERATED[name]() if name in GENERATED else (HOSTILE / name).read_bytes()


def _no_leak(response) -> None:
    text = response.get_data(as_text=True)
    for leak in LEAKS:
        assert leak not in text, f"{leak!r} in the answer"


@pytest.fixture
def case(app, client, auth):
    config = app.extensions["engine_config"]
    config.script_time_limit_seconds = LIMIT
    config.script_memory_limit_mb = 64
    steady = client.post(
        "/api/v1/deployments",
        data=multipart([("steady.bpmn", one_task_process("steady"))]),
        headers=auth.headers("designer"),
    )
    assert steady.status_code == 201, steady.json
    return CaseDriver(client, auth)


def _healthy_case_completes(client, case) -> None:
    assert client.get("/healthz").status_code == 200
    steady = case.start("steady", variables={})
    (task,) = steady["active_tasks"]
    done = client.post(
        f"/api/v1/tasks/{task['id']}/complete", json={"data": {}}, headers=case.auth.headers("clerk")
    )
    assert done.status_code == 200, done.json
    assert case.instance(steady["id"])["status"] == "completed"


def test_the_corpus_holds_at_least_forty_files():
    assert len(CORPUS) >= 40


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", CORPUS)
def test_a_hostile_diagram_is_refused_at_deployment_or_contained_at_run(client, auth, case, name):
    content = _content(name)
    response = client.post(
        "/api/v1/deployments", data=multipart([(name, content)]), headers=auth.headers("designer")
    )
    _no_leak(response)
    assert response.status_code in (201, 422), response.get_data(as_text=True)[:500]
    if response.status_code == 422:
        assert response.mimetype == "application/problem+json"
        assert response.json["file"] == name
        assert len(response.data) < 20_000, "the problem stays short whatever the file holds"
    else:
        keys = [p["key"] for p in response.json["processes"]]
        for key in keys:
            began = time.monotonic()
            started = client.post(
                f"/api/v1/process-definitions/{key}/instances", json={}, headers=auth.headers("clerk")
            )
            elapsed = time.monotonic() - began
            _no_leak(started)
            assert started.status_code == 201, started.json
            instance = started.json
            assert instance["status"] == "error", (key, instance["status"], instance.get("variables"))
            assert instance["error"]["element_id"], instance["error"]
            assert elapsed < LIMIT + 10
            _no_leak(client.get(f"/api/v1/process-instances/{instance['id']}", headers=auth.headers("admin")))
    _healthy_case_completes(client, case)


def test_a_document_type_is_refused_even_when_it_declares_no_entity(client, auth):
    name, content = "dtd_internal_subset.bpmn", (HOSTILE / "dtd_internal_subset.bpmn").read_bytes()
    response = client.post(
        "/api/v1/deployments", data=multipart([(name, content)]), headers=auth.headers("designer")
    )
    assert response.status_code == 422
    assert response.json["file"] == name
    assert "<!DOCTYPE>" in response.json["detail"]


def test_a_parallel_multi_instance_past_its_bound_puts_only_its_case_in_error(client, auth, case):
    name = "multi_instance_cardinality_huge.bpmn"
    deployed = client.post(
        "/api/v1/deployments",
        data=multipart([(name, (HOSTILE / name).read_bytes())]),
        headers=auth.headers("designer"),
    )
    assert deployed.status_code == 201, deployed.json
    began = time.monotonic()
    instance = case.start("mi_huge", variables={})
    assert time.monotonic() - began < 30, "refused before building the instances"
    assert (instance["status"], instance["error"]["element_id"]) == ("error", "sign")
    assert "more than 1000 parallel instances" in instance["error"]["message"]
    assert instance["active_tasks"] == [], "no instance is created past the bound"
    _healthy_case_completes(client, case)


def test_a_chain_of_thousands_of_elements_is_refused_with_advice_not_a_python_error(client, auth):
    name = "generated_5000_elements.bpmn"
    response = client.post(
        "/api/v1/deployments", data=multipart([(name, _many_elements())]), headers=auth.headers("designer")
    )
    assert response.status_code == 422
    assert response.json["element"]
    assert "too long to read" in response.json["detail"]
    assert "RecursionError" not in response.json["detail"]


def _oversized_body() -> bytes:
    return b"<x/>" * (16 * 1024 * 1024 // 4 + 1)


def test_an_upload_past_the_body_limit_is_a_413_problem(client, auth):
    response = client.post(
        "/api/v1/deployments",
        data=multipart([("big.bpmn", _oversized_body())]),
        headers=auth.headers("designer"),
    )
    assert (response.status_code, response.mimetype) == (413, "application/problem+json")
    assert response.json["status"] == 413
    assert client.get("/api/v1/process-definitions", headers=auth.headers("designer")).json == []


@pytest.mark.timeout(90)
def test_gunicorn_answers_413_to_an_oversized_upload_before_reading_its_body(database_url, auth):
    """A plain POST (no ``Expect: 100-continue``) announcing 64 MB: the answer comes after the
    first 64 KB are sent, and the client reads it though most of the body was never sent."""
    declared = 64 * 1024 * 1024
    head = (
        "POST /api/v1/deployments HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: {auth.headers('designer')['Authorization']}\r\n"
        "Content-Type: multipart/form-data; boundary=b\r\n"
        f"Content-Length: {declared}\r\nConnection: close\r\n\r\n"
    ).encode()
    with gunicorn(database_url) as (base, server):
        host, port = base.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=20) as sock:
            sock.sendall(head + b"--b\r\n" + b"x" * 65536)
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        assert server.poll() is None
        assert requests.get(f"{base}/healthz", timeout=10).status_code == 200
    status_line, _, rest = answer.partition(b"\r\n")
    headers, _, body = rest.partition(b"\r\n\r\n")
    assert b" 413 " in status_line, answer[:300]
    assert b"application/problem+json" in headers
    assert json.loads(body)["status"] == 413
