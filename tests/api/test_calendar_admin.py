"""Calendar administration: a year's schedule in the README's file format, and what loading it moves."""

import json
from datetime import datetime

import pytest
from sqlalchemy import select

from api.database import db
from workflows.clock import BUREAU_TZ
from workflows.persistence.models import Job

from ..factories import DATA, CaseDriver, application

YEARS = "/api/v1/admin/calendar/years"


def schedule_2027() -> dict:
    return json.loads((DATA / "calendar" / "2027.json").read_text())


def end_of(*args):
    return datetime(*args, 23, 59, 59, 999999, tzinfo=BUREAU_TZ)


def moment(value: str):
    return datetime.fromisoformat(value)


def put(client, auth, year, body):
    return client.put(f"{YEARS}/{year}", json=body, headers=auth.headers("admin"))


def test_the_file_format_of_the_readme_is_accepted_as_it_is(client, auth):
    loaded = put(client, auth, 2027, schedule_2027())
    assert loaded.status_code == 200, loaded.json
    assert loaded.json["years"] == [2027]
    [year] = client.get(YEARS, headers=auth.headers("admin")).json
    assert (year["year"], year["source"], year["workdays"]) == (
        2027,
        schedule_2027()["source"],
        ["2027-01-30", "2027-02-20"],
    )


@pytest.mark.parametrize(("year", "message"), [(2028, "2027"), (None, "2027")])
def test_a_body_for_another_year_is_422(client, auth, year, message):
    body = {**schedule_2027(), "year": year}
    response = put(client, auth, 2027, body if year else {k: v for k, v in body.items() if k != "year"})
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json["errors"]] == ["/year"]
    assert message in response.json["errors"][0]["detail"]


def test_dates_outside_the_year_of_the_notice_are_422_with_pointers(client, auth):
    body = schedule_2027()
    body["holidays"]["元旦"].append("2028-01-01")
    body["workdays"] = ["2026-12-27", "2027-02-20"]
    response = put(client, auth, 2027, body)
    assert response.status_code == 422
    assert sorted(e["pointer"] for e in response.json["errors"]) == ["/holidays/元旦/3", "/workdays/0"]
    assert client.get(YEARS, headers=auth.headers("admin")).json == []


def test_a_day_both_off_and_worked_is_422(client, auth):
    body = schedule_2027()
    body["holidays"]["春节"].append("2027-02-20")
    response = put(client, auth, 2027, body)
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json["errors"]] == ["/workdays/1"]


@pytest.fixture
def open_case(client, auth, deployed, clock):
    """A commitment-procedure case accepted on Monday 25 January 2027, waiting for the decision."""
    assert put(client, auth, 2027, schedule_2027()).status_code == 200
    case = CaseDriver(client, auth)
    clock.set(datetime(2027, 1, 25, 10, tzinfo=BUREAU_TZ))
    iid = case.start(variables=application(procedure="commitment"))["id"]
    case.complete(iid, "accept_application", "clerk", {"decision": "accept"})
    return case, iid


def test_replacing_a_loaded_year_moves_every_open_due_date_it_affects(client, auth, open_case, app):
    case, iid = open_case
    decide = case.task(iid, "decide", "approver")
    # 10WD after 25 January: 26-29, Saturday 30 (make-up day), 1-5 February
    assert moment(decide["due_at"]) == end_of(2027, 2, 5)
    # 20WD: ... 5 February (10), Spring Festival 6-13, 15-19, Saturday 20 (make-up), 22-25
    assert moment(case.instance(iid)["statutory_due_at"]) == end_of(2027, 2, 25)
    # a case received in 2026 whose acceptance limit ends in 2026 is not affected
    earlier = case.start(variables=application(received_at="2026-12-01T09:00:00+08:00"))["id"]
    corrected = schedule_2027()
    corrected["holidays"]["春节"].insert(0, "2027-02-05")
    response = put(client, auth, 2027, corrected)
    assert response.status_code == 200, response.json
    assert response.json == {
        "years": [2027],
        "tasks_recomputed": 1,
        "instances_recomputed": 1,
        "timers_recomputed": 1,
    }
    assert moment(case.task(iid, "decide", "approver")["due_at"]) == end_of(2027, 2, 15)
    assert moment(case.instance(iid)["statutory_due_at"]) == end_of(2027, 2, 26)
    assert moment(case.task(earlier, "accept_application", "clerk")["due_at"]) == end_of(2026, 12, 8)
    with app.app_context():
        overdue = db.session.scalar(
            select(Job).where(Job.payload["element_id"].as_string() == "overdue_decide")
        )
    assert overdue.due_at == end_of(2027, 2, 15)
    history = client.get(f"/api/v1/process-instances/{iid}/history", headers=auth.headers("admin")).json
    [recomputed] = [e for e in history if e["action"] == "dates_recomputed"]
    assert recomputed["details"]["tasks"] == [decide["id"]]
    assert moment(recomputed["details"]["statutory_due_at"]) == end_of(2027, 2, 26)


def test_loading_the_same_schedule_again_moves_nothing(client, auth, open_case):
    response = put(client, auth, 2027, schedule_2027())
    assert response.status_code == 200
    assert response.json == {
        "years": [2027],
        "tasks_recomputed": 0,
        "instances_recomputed": 0,
        "timers_recomputed": 0,
    }


def test_a_year_the_library_knows_is_recomputed_when_the_bureau_overrides_it(client, auth, deployed):
    case = CaseDriver(client, auth)
    iid = case.start()["id"]  # Monday 2 March 2026: acceptance due Monday 9 March
    override = {"year": 2026, "source": "本局调整", "holidays": {"调休": ["2026-03-04"]}, "workdays": []}
    response = put(client, auth, 2026, override)
    assert (response.json["tasks_recomputed"], response.json["instances_recomputed"]) == (1, 1)
    assert moment(case.task(iid, "accept_application", "clerk")["due_at"]) == end_of(2026, 3, 10)
