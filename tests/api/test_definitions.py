"""Reading process definitions; DMN decisions deployed beside BPMN."""

import pytest

from workflows.engine.serialization import spec_cache_info

from ..factories import CaseDriver, data_file, multipart, one_task_process


def deploy(client, auth, files):
    response = client.post("/api/v1/deployments", data=multipart(files), headers=auth.headers("designer"))
    assert response.status_code == 201, response.json
    return response.json["processes"]


def test_list_shows_the_latest_version_of_each_key(client, auth):
    deploy(client, auth, [("simple.bpmn", one_task_process(task_name="一"))])
    deploy(client, auth, [("simple.bpmn", one_task_process(task_name="二"))])
    deploy(client, auth, [("other.bpmn", one_task_process("other"))])
    listed = client.get("/api/v1/process-definitions", headers=auth.headers("clerk")).json
    assert [(d["key"], d["version"]) for d in listed] == [("other", 1), ("simple", 2)]
    assert listed[1]["starter_groups"] == ["clerk"]
    assert listed[1]["lane_groups"] == ["clerk"]


def test_all_versions_of_one_key_on_request(client, auth):
    deploy(client, auth, [("simple.bpmn", one_task_process(task_name="一"))])
    deploy(client, auth, [("simple.bpmn", one_task_process(task_name="二"))])
    listed = client.get(
        "/api/v1/process-definitions?key=simple&all_versions=true", headers=auth.headers("clerk")
    )
    assert [d["version"] for d in listed.json] == [1, 2]


def test_xml_of_a_given_version(client, auth):
    deploy(client, auth, [("simple.bpmn", one_task_process(task_name="一"))])
    deploy(client, auth, [("simple.bpmn", one_task_process(task_name="二"))])
    first = client.get("/api/v1/process-definitions/simple/xml?version=1", headers=auth.headers("clerk"))
    latest = client.get("/api/v1/process-definitions/simple/xml", headers=auth.headers("clerk"))
    assert first.mimetype == "application/xml"
    assert 'name="一"' in first.get_data(as_text=True)
    assert 'name="二"' in latest.get_data(as_text=True)
    missing = client.get("/api/v1/process-definitions/simple/xml?version=9", headers=auth.headers("clerk"))
    assert missing.status_code == 404


@pytest.mark.parametrize(("application_type", "days"), [("first", 30), ("renewal", 20)])
def test_business_rule_task_evaluates_the_deployed_decision(client, auth, application_type, days):
    deploy(client, auth, [data_file("bpmn/decision.bpmn"), data_file("dmn/review_days.dmn")])
    started = CaseDriver(client, auth).start(
        "decision_demo", variables={"application_type": application_type}
    )
    assert started["variables"]["review_days"] == days, started


def test_requests_reuse_the_parsed_spec(client, auth):
    deploy(client, auth, [("simple.bpmn", one_task_process("cached_once"))])
    before = spec_cache_info()
    case = CaseDriver(client, auth)
    for _ in range(3):
        iid = case.start("cached_once", variables={})["id"]
        case.complete(iid, "do_it", "clerk", {})
    after = spec_cache_info()
    assert after["misses"] - before["misses"] == 1
    assert after["hits"] - before["hits"] == 5
