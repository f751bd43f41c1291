"""Periods in months and years on a case (Civil Code arts. 200–204) and certificate validity."""

from datetime import datetime

import pytest

from api import create_app
from workflows.clock import BUREAU_TZ

from ..factories import CaseDriver, application

pytestmark = pytest.mark.usefixtures("deployed")


@pytest.fixture
def case(client, auth):
    return CaseDriver(client, auth)


def granted_on_1_december(case, clock, procedure="commitment") -> str:
    """A case whose certificate is issued on 1 December 2026 (Beijing)."""
    clock.set(datetime(2026, 11, 20, 9, tzinfo=BUREAU_TZ))
    iid = case.start(variables=application(procedure=procedure))["id"]
    case.complete(iid, "accept_application", "clerk", {"decision": "accept"})
    case.complete(iid, "decide", "approver", {"decision": "grant"})
    clock.set(datetime(2026, 12, 1, 15, 30, tzinfo=BUREAU_TZ))
    case.complete(iid, "issue_certificate", "clerk", {"delivery": "electronic"})
    return iid


def test_commitment_verification_is_due_at_the_end_of_the_third_month_after_the_grant(case, clock):
    iid = granted_on_1_december(case, clock)
    task = case.task(iid, "verify_commitment", "review_center")
    assert task["deadline"] == "P3M"
    assert datetime.fromisoformat(task["due_at"]) == datetime(2027, 3, 1, 23, 59, 59, 999999, BUREAU_TZ)


def test_a_certificate_granted_on_1_december_is_valid_to_30_november_six_years_on(case, clock):
    variables = case.instance(granted_on_1_december(case, clock))["variables"]
    assert variables["certificate_issued_on"] == "2026-12-01"
    assert variables["certificate_valid_until"] == "2032-11-30"


def test_the_corresponding_day_reading_of_validity_is_a_setting(case, clock, app):
    app.extensions["engine_config"].certificate_validity_end = "corresponding_day"
    variables = case.instance(granted_on_1_december(case, clock))["variables"]
    assert variables["certificate_valid_until"] == "2032-12-01"


def test_the_validity_setting_reaches_the_engine_and_a_wrong_value_stops_the_start(tmp_path):
    url = f"sqlite:///{tmp_path / 'settings.sqlite'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "BPM_CERTIFICATE_VALIDITY_END": "corresponding_day"})
    assert app.extensions["engine_config"].certificate_validity_end == "corresponding_day"
    with pytest.raises(ValueError, match="end_of_month"):
        create_app({"SQLALCHEMY_DATABASE_URI": url, "BPM_CERTIFICATE_VALIDITY_END": "end_of_month"})
