"""Periods in months and years as the Civil Code counts them (arts. 200–204), in Beijing days."""

from datetime import date, datetime

import pytest

from workflows.clock import BUREAU_TZ
from workflows.deadlines.calendar import WorkingCalendar
from workflows.deadlines.limits import compute
from workflows.deadlines.periods import Period, last_day, parse_period, valid_until

CAL = WorkingCalendar()


def at(*args):
    return datetime(*args, tzinfo=BUREAU_TZ)


def end_of(*args):
    return datetime(*args, 23, 59, 59, 999999, tzinfo=BUREAU_TZ)


@pytest.mark.parametrize(
    ("spec", "period"),
    [
        ("P3M", Period(months=3)),
        ("P1Y", Period(years=1)),
        ("P6Y", Period(years=6)),
        ("P1Y2M", Period(years=1, months=2)),
        ("P10D", Period(days=10)),
        ("P2W", Period(weeks=2)),
        ("p3m", Period(months=3)),
    ],
)
def test_date_only_iso_durations_are_calendar_periods(spec, period):
    assert parse_period(spec) == period


@pytest.mark.parametrize("spec", ["PT24H", "PT30M", "P1DT12H", "P1.5M", "5WD", "3D", ""])
def test_durations_with_a_time_part_or_fractions_are_not_calendar_periods(spec):
    assert parse_period(spec) is None


@pytest.mark.parametrize(
    ("start", "period", "expected"),
    [
        (date(2026, 12, 1), Period(months=3), date(2027, 3, 1)),  # the corresponding day
        (date(2027, 1, 31), Period(months=1), date(2027, 2, 28)),  # no 31 February: the month's last day
        (date(2028, 1, 31), Period(months=1), date(2028, 2, 29)),  # leap year
        (date(2028, 2, 29), Period(years=1), date(2029, 2, 28)),
        (date(2026, 3, 31), Period(years=1, months=2), date(2027, 5, 31)),
        (date(2026, 8, 31), Period(months=1, days=1), date(2026, 10, 1)),  # months first, then days
        (date(2026, 3, 2), Period(days=10), date(2026, 3, 12)),  # the start day is not counted
    ],
)
def test_last_day_is_the_corresponding_day_or_the_end_of_a_shorter_month(start, period, expected):
    assert last_day(start, period) == expected


def test_three_months_from_a_grant_on_1_december_end_at_the_end_of_1_march():
    assert compute(CAL, "P3M", at(2026, 12, 1, 15, 30)).due_at == end_of(2027, 3, 1)


def test_the_start_day_is_the_beijing_day():
    utc_evening = datetime.fromisoformat("2026-12-31T17:00:00+00:00")  # 1 January 01:00 in Beijing
    assert compute(CAL, "P3M", utc_evening).due_at == end_of(2027, 4, 1)


def test_a_period_whose_last_day_is_a_holiday_ends_on_the_next_working_day():
    # 1 month from 1 September 2026 ends on 1 October, National Day: the holiday runs to
    # 7 October, so the period ends at the end of Thursday 8 October (art. 203)
    assert compute(CAL, "P1M", at(2026, 9, 1, 10)).due_at == end_of(2026, 10, 8)


def test_a_period_whose_last_day_is_a_weekend_ends_on_the_next_working_day():
    # 3 months from 28 November 2025 end on Saturday 28 February 2026, a make-up working
    # day (调休); from 1 December, on Sunday 1 March: the period runs to Monday 2 March
    assert compute(CAL, "P3M", at(2025, 11, 28, 9)).due_at == end_of(2026, 2, 28)
    assert compute(CAL, "P3M", at(2025, 12, 1, 9)).due_at == end_of(2026, 3, 2)


def test_oversight_thresholds_of_a_period_are_shares_of_its_length():
    deadline = compute(CAL, "P3M", at(2026, 12, 1, 0, 0))
    assert at(2027, 1, 1) < deadline.remind_at < at(2027, 2, 1) < deadline.warn_at < deadline.due_at


def test_a_period_into_a_year_without_holiday_data_is_flagged():
    assert compute(CAL, "P3M", at(2026, 12, 1)).complete is False
    assert compute(CAL, "P3M", at(2026, 3, 2)).complete is True


def test_hours_stay_exact_durations():
    assert compute(CAL, "PT24H", at(2026, 2, 12, 10, 0)).due_at == at(2026, 2, 13, 10, 0)


@pytest.mark.parametrize(
    ("issued", "mode", "expected"),
    [
        (date(2026, 12, 1), "day_before", date(2032, 11, 30)),
        (date(2026, 12, 1), "corresponding_day", date(2032, 12, 1)),
        (date(2026, 3, 2), "day_before", date(2032, 3, 1)),
        (date(2028, 3, 1), "day_before", date(2034, 2, 28)),
        (date(2028, 2, 29), "day_before", date(2034, 2, 28)),  # the issue day is the first day
        (date(2028, 2, 29), "corresponding_day", date(2034, 2, 28)),
    ],
)
def test_certificate_validity_ends_as_certificates_state_it(issued, mode, expected):
    assert valid_until(issued, Period(years=6), mode) == expected


def test_certificate_validity_is_not_moved_off_a_holiday():
    assert valid_until(date(2026, 10, 2), Period(years=1), "day_before") == date(2027, 10, 1)


def test_an_unknown_validity_reading_is_refused():
    with pytest.raises(ValueError, match="day_before"):
        valid_until(date(2026, 12, 1), Period(years=6), "end_of_month")
