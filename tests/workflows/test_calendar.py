"""Statutory working days around the 2026 holidays, overrides for later years, deadlines."""

import json
from datetime import date, datetime

import pytest

from workflows.clock import BUREAU_TZ
from workflows.deadlines.calendar import WorkingCalendar, YearSchedule
from workflows.deadlines.limits import check_spec, compute, statutory_due
from workflows.errors import InvalidInput

from ..factories import DATA

CAL = WorkingCalendar()


def override_2027() -> WorkingCalendar:
    doc = json.loads((DATA / "calendar" / "2027.json").read_text())
    holidays = {date.fromisoformat(d) for days in doc["holidays"].values() for d in days}
    workdays = {date.fromisoformat(d) for d in doc["workdays"]}
    return WorkingCalendar({2027: YearSchedule(frozenset(holidays), frozenset(workdays))})


def at(*args):
    return datetime(*args, tzinfo=BUREAU_TZ)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 2, 14), True),  # Saturday make-up day before the Spring Festival
        (date(2026, 2, 16), False),  # Spring Festival
        (date(2026, 2, 23), False),  # last day of the holiday (a Monday)
        (date(2026, 2, 28), True),  # Saturday make-up day after it
        (date(2026, 3, 1), False),  # ordinary Sunday
        (date(2026, 9, 20), True),  # Sunday make-up day before National Day
        (date(2026, 10, 1), False),
        (date(2026, 10, 7), False),
        (date(2026, 10, 10), True),  # Saturday make-up day after National Day
    ],
)
def test_2026_holidays_and_make_up_days(day, working):
    assert CAL.is_working_day(day) is working


def test_spring_festival_counting_skips_the_holiday_and_counts_the_make_up_saturday():
    # Thursday 12 Feb: Fri 13 (1), Sat 14 make-up (2), holiday 15-23, Tue 24 (3)
    assert CAL.add_working_days(date(2026, 2, 12), 3).day == date(2026, 2, 24)
    # the make-up Saturday 28 Feb counts: Thu 26 (1), Fri 27 (2), Sat 28 (3), Mon 2 Mar (4)
    assert CAL.add_working_days(date(2026, 2, 25), 4).day == date(2026, 3, 2)


def test_national_day_counting():
    # Mon 28 Sep: 29 (1), 30 (2), holiday 1-7 Oct, Thu 8 (3), Fri 9 (4), Sat 10 make-up (5)
    assert CAL.add_working_days(date(2026, 9, 28), 5).day == date(2026, 10, 10)


def test_the_start_day_is_not_counted_even_when_late_at_night():
    assert CAL.add_working_days(at(2026, 3, 2, 0, 1), 1).day == date(2026, 3, 3)
    assert CAL.add_working_days(at(2026, 3, 2, 23, 59), 1).day == date(2026, 3, 3)


def test_day_boundaries_are_in_shanghai_time():
    utc_evening = datetime.fromisoformat("2026-03-02T17:00:00+00:00")  # 3 March 01:00 in Shanghai
    assert CAL.add_working_days(utc_evening, 1).day == date(2026, 3, 4)


def test_working_days_between_counts_after_the_first_day_up_to_the_last():
    assert CAL.working_days_between(date(2026, 2, 13), date(2026, 2, 28)) == 6  # 14, 24, 25, 26, 27, 28
    assert CAL.working_days_between(date(2026, 3, 2), date(2026, 3, 2)) == 0


def test_deadline_ends_at_the_end_of_the_last_working_day():
    deadline = compute(CAL, "5WD", at(2026, 2, 12, 10, 0))
    assert deadline.due_at == at(2026, 2, 26, 23, 59, 59, 999999)
    assert deadline.remind_at == at(2026, 2, 24, 12, 0)  # 50%: noon of the 3rd working day
    assert deadline.warn_at == at(2026, 2, 25, 23, 59, 59, 999999)  # 80%: end of the 4th
    assert deadline.complete


def test_calendar_day_period_ending_on_a_holiday_runs_to_the_next_working_day():
    assert compute(CAL, "3D", at(2026, 2, 12, 10, 0)).due_at.date() == date(2026, 2, 24)
    assert compute(CAL, "3D", at(2026, 3, 2, 10, 0)).due_at.date() == date(2026, 3, 5)


def test_iso_durations_with_a_time_part_are_exact():
    assert compute(CAL, "PT24H", at(2026, 2, 12, 10, 0)).due_at == at(2026, 2, 13, 10, 0)
    assert compute(CAL, "P1DT12H", at(2026, 2, 12, 10, 0)).due_at == at(2026, 2, 13, 22, 0)


def test_a_year_without_data_is_flagged_not_silently_computed():
    counted = CAL.add_working_days(date(2026, 12, 28), 5)
    assert counted.complete is False
    assert counted.day == date(2027, 1, 4)  # Monday-Friday fallback: 29, 30, 31 Dec, 1 Jan, 4 Jan


def test_a_deadline_into_an_override_year_uses_the_loaded_schedule():
    counted = override_2027().add_working_days(date(2026, 12, 28), 5)
    assert counted.complete is True
    assert counted.day == date(2027, 1, 5)  # 29, 30, 31 Dec, New Year's Day (Fri 1 Jan) off: 4, 5 Jan


def test_override_make_up_day_counts_and_holidays_do_not():
    cal = override_2027()
    assert cal.is_working_day(date(2027, 2, 20))  # a Saturday made a working day
    assert not cal.is_working_day(date(2027, 2, 10))  # a Wednesday holiday


def test_statutory_due_moves_on_by_the_paused_working_days():
    start = at(2026, 2, 2, 9, 0)
    unpaused = statutory_due(CAL, "20WD", start, [], at(2026, 2, 3))
    pause = [{"from": at(2026, 2, 5, 10, 0).isoformat(), "to": at(2026, 2, 26, 15, 0).isoformat()}]
    paused = statutory_due(CAL, "20WD", start, pause, at(2026, 3, 1))
    # 5 Feb -> 26 Feb spans the Spring Festival: working days 6, 9-13, 14 (make-up), 24, 25, 26 = 10
    assert CAL.working_days_between(date(2026, 2, 5), date(2026, 2, 26)) == 10
    assert paused.due_at == compute(CAL, "30WD", start).due_at
    assert paused.due_at > unpaused.due_at


@pytest.mark.parametrize("spec", ["5X", "24H", "", "P", "PXD"])
def test_malformed_limits_are_refused(spec):
    with pytest.raises(InvalidInput):
        check_spec(spec)
