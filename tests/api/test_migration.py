"""Migrating running cases to a newer version of their process, one or all (with a dry run)."""

import pytest

from ..factories import DATA, CaseDriver, multipart

V1 = (DATA / "bpmn" / "three_steps.bpmn").read_text(encoding="utf-8")
# v2 adds an archiving step after the approval: every running case can move.
V2_COMPATIBLE = V1.replace(
    '<bpmn:sequenceFlow id="f5" sourceRef="conclude" targetRef="end" />',
    '<bpmn:sequenceFlow id="f5" sourceRef="conclude" targetRef="archive" />'
    '<bpmn:userTask id="archive" name="归档" camunda:candidateGroups="clerk" />'
    '<bpmn:sequenceFlow id="f6" sourceRef="archive" targetRef="end" />',
).replace('name="审查"', 'name="技术审查"')
# v2 drops the review step: a case waiting there cannot move.
V2_WITHOUT_REVIEW = (
    V1.replace('<bpmn:userTask id="review" name="审查" camunda:candidateGroups="clerk" />', "")
    .replace('<bpmn:sequenceFlow id="f2" sourceRef="register" targetRef="review" />\n', "")
    .replace('sourceRef="review" targetRef="approve"', 'sourceRef="register" targetRef="approve"')
)


@pytest.fixture
def case(client, auth):
    deploy(client, auth, V1)
    return CaseDriver(client, auth)


def deploy(client, auth, text):
    files = [("three_steps.bpmn", text.encode())]
    response = client.post("/api/v1/deployments", data=multipart(files), headers=auth.headers("designer"))
    assert response.status_code == 201, response.json
    return response.json["processes"][0]["version"]


def start(case):
    return case.start("three_steps", variables={"approved": True})["id"]


def bulk(client, auth, **body):
    response = client.post(
        "/api/v1/process-definitions/three_steps/migrate", json=body, headers=auth.headers("admin")
    )
    assert response.status_code == 200, response.json
    return {r["instance_id"]: r for r in response.json}


def test_a_migrated_case_runs_on_and_completes_on_version_2(client, auth, case):
    iid = start(case)
    case.complete(iid, "register", "clerk", {})
    assert deploy(client, auth, V2_COMPATIBLE) == 2
    response = client.post(
        f"/api/v1/process-instances/{iid}/migrate", json={"version": 2}, headers=auth.headers("admin")
    )
    assert response.status_code == 200, response.json
    assert response.json["definition_version"] == 2
    assert [t["name"] for t in response.json["active_tasks"]] == ["技术审查"]
    case.complete(iid, "review", "clerk", {})
    case.complete(iid, "approve", "approver", {})
    assert case.active(iid) == ["archive"]
    case.complete(iid, "archive", "clerk", {})
    assert case.instance(iid)["status"] == "completed"
    history = client.get(f"/api/v1/process-instances/{iid}/history", headers=auth.headers("admin")).json
    [migrated] = [e for e in history if e["action"] == "instance_migrated"]
    assert (migrated["details"]["from_version"], migrated["details"]["to_version"]) == (1, 2)


def test_an_incompatible_case_is_409_with_the_reason_and_left_untouched(client, auth, case):
    iid = start(case)
    case.complete(iid, "register", "clerk", {})
    deploy(client, auth, V2_WITHOUT_REVIEW)
    response = client.post(
        f"/api/v1/process-instances/{iid}/migrate", json={"version": 2}, headers=auth.headers("admin")
    )
    assert response.status_code == 409
    assert response.json["problems"] == [
        {"element": "review", "problem": "the element a token is at was removed"}
    ]
    assert case.instance(iid)["definition_version"] == 1
    case.complete(iid, "review", "clerk", {})
    assert case.active(iid) == ["approve"]


def test_bulk_dry_run_reports_each_case_and_changes_nothing(client, auth, case):
    at_register, at_review, done = start(case), start(case), start(case)
    case.complete(at_review, "register", "clerk", {})
    client.post(
        f"/api/v1/process-instances/{done}/cancel", json={"reason": "撤回"}, headers=auth.headers("admin")
    )
    deploy(client, auth, V2_WITHOUT_REVIEW)
    report = bulk(client, auth, from_version=1, to_version=2, dry_run=True)
    assert (report[at_register]["migratable"], report[at_register]["migrated"]) == (True, False)
    assert report[at_review]["problems"][0]["element"] == "review"
    assert report[done]["problems"] == [{"element": None, "problem": "the case is cancelled"}]
    assert case.instance(at_register)["definition_version"] == 1


def test_bulk_migration_moves_the_migratable_cases_only(client, auth, case):
    at_register, at_review = start(case), start(case)
    case.complete(at_review, "register", "clerk", {})
    deploy(client, auth, V2_WITHOUT_REVIEW)
    report = bulk(client, auth, from_version=1, to_version=2, dry_run=False)
    assert [report[at_register]["migrated"], report[at_review]["migrated"]] == [True, False]
    assert case.instance(at_register)["definition_version"] == 2
    assert case.instance(at_review)["definition_version"] == 1
    case.complete(at_register, "register", "clerk", {})
    assert case.active(at_register) == ["approve"]


def test_migration_is_for_administrators(client, auth, case):
    iid = start(case)
    deploy(client, auth, V2_COMPATIBLE)
    response = client.post(
        f"/api/v1/process-instances/{iid}/migrate", json={"version": 2}, headers=auth.headers("clerk")
    )
    assert response.status_code == 403


def test_migrating_to_an_unknown_version_is_404(client, auth, case):
    iid = start(case)
    response = client.post(
        f"/api/v1/process-instances/{iid}/migrate", json={"version": 7}, headers=auth.headers("admin")
    )
    assert response.status_code == 404
