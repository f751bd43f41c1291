"""The case report (JSON and CSV) and what a waiting case waits for."""

import pytest

from ..factories import CaseDriver, run_worker

REPORT = "/api/v1/reports/cases"


@pytest.fixture
def case(client, auth, deployed):
    return CaseDriver(client, auth)


def test_report_counts_cases_by_process_status_step_and_level(client, auth, case, clock, app):
    case.start()
    clock.advance(days=9)
    run_worker(app)  # the late case's escalation (超期督办) opens
    case.start()
    refused = case.start()["id"]
    case.complete(refused, "accept_application", "clerk", {"decision": "refuse", "reason": "材料不属实"})
    rows = client.get(f"{REPORT}?process_key=qualification_approval", headers=auth.headers("supervisor")).json
    summary = [(r["status"], r["step"], r["level"], r["cases"]) for r in rows]
    assert summary == [
        ("completed", None, None, 1),
        ("running", "accept_application", "normal", 1),
        ("running", "accept_application", "alarm", 1),
        ("running", "supervise_accept", "normal", 1),
    ]


def test_report_as_csv_has_a_bom_and_chinese_names(client, auth, case):
    case.start()
    response = client.get(f"{REPORT}?format=csv", headers=auth.headers("clerk"))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode())
    lines = response.data.decode("utf-8-sig").splitlines()
    assert lines[0] == "process_key,process_name,status,step,step_name,level,cases"
    assert any("受理" in line and line.endswith(",1") for line in lines[1:])


def test_report_of_an_unknown_format_is_422(client, auth, deployed):
    assert client.get(f"{REPORT}?format=xlsx", headers=auth.headers("clerk")).status_code == 422


def test_applicants_get_no_report(client, auth, deployed):
    assert client.get(REPORT, headers=auth.headers("applicant")).status_code == 403


def test_a_case_shows_its_pending_timers(client, auth, case):
    iid = case.start()["id"]
    waiting = case.instance(iid)["waiting_for"]
    assert sorted(t["element_id"] for t in waiting["timers"]) == ["overdue_accept", "warn_accept"]
    assert all(t["due_at"].endswith("+08:00") for t in waiting["timers"])
    assert waiting["messages"] == [] and waiting["jobs"] == []


def test_applicants_do_not_see_what_the_case_waits_for(client, auth, case):
    iid = case.start(variables=None)["id"]
    applicant = case.headers(iid, "applicant")
    shown = client.get(f"/api/v1/process-instances/{iid}", headers=applicant).json
    assert shown["waiting_for"] is None
