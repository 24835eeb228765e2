"""encompass-before-school: due at school_day_starts on the first pupil day whose start is
strictly after the police notification.

Sample calendar: autumn 3 Sep-19 Dec 2025, spring 5 Jan-27 Mar 2026, summer 13 Apr-22 Jul 2026;
half terms 27-31 Oct, 16-20 Feb, 25-29 May; INSET 3 Sep, 24 Oct, 5 Jan, 13 Apr, 22 Jul.
"""

from datetime import datetime
from pathlib import Path

import pytest

from contracts.case_v1 import DeadlineRule
from services.case.domain.calendar import SchoolCalendar
from services.case.domain.deadline_rules import NoDueTime, compute_due

SAMPLE = Path(__file__).parents[1] / "samples" / "calendar-2025-26.json"


@pytest.fixture(scope="module")
def sample() -> SchoolCalendar:
    return SchoolCalendar.model_validate_json(SAMPLE.read_text())


@pytest.fixture(scope="module")
def with_next_year(sample) -> SchoolCalendar:
    """The sample plus an autumn 2026 term starting with an INSET day on Wed 2 Sep 2026."""
    data = sample.model_dump(mode="json")
    data["terms"].append({"start": "2026-09-02", "end": "2026-12-18"})
    data["closures"].append({"start": "2026-09-02", "end": "2026-09-02", "reason": "INSET"})
    return SchoolCalendar.model_validate(data)


def due(trigger: str, calendar: SchoolCalendar) -> str:
    return compute_due(
        DeadlineRule.ENCOMPASS_BEFORE_SCHOOL, datetime.fromisoformat(trigger), calendar
    ).isoformat()


# --- the 08:45 boundary -------------------------------------------------------------------


def test_a_notification_before_the_school_day_starts_is_due_that_morning(sample):
    assert due("2026-03-11T06:30:00+00:00", sample) == "2026-03-11T08:45:00+00:00"


def test_a_notification_at_0844_is_due_at_0845_the_same_day(sample):
    assert due("2026-03-11T08:44:00+00:00", sample) == "2026-03-11T08:45:00+00:00"


def test_a_notification_a_microsecond_before_0845_is_due_the_same_day(sample):
    assert due("2026-03-11T08:44:59.999999+00:00", sample) == "2026-03-11T08:45:00+00:00"


def test_a_notification_at_0845_exactly_is_due_the_next_pupil_day(sample):
    assert due("2026-03-11T08:45:00+00:00", sample) == "2026-03-12T08:45:00+00:00"


def test_a_notification_during_the_school_day_is_due_the_next_pupil_day(sample):
    assert due("2026-03-11T14:00:00+00:00", sample) == "2026-03-12T08:45:00+00:00"


def test_a_notification_just_before_midnight_is_due_the_next_morning(sample):
    assert due("2026-03-11T23:59:00+00:00", sample) == "2026-03-12T08:45:00+00:00"


def test_the_boundary_is_the_schools_own_start_time(sample):
    data = sample.model_dump(mode="json") | {"school_day_starts": "08:30"}
    early = SchoolCalendar.model_validate(data)
    assert due("2026-03-11T08:29:00+00:00", early) == "2026-03-11T08:30:00+00:00"
    assert due("2026-03-11T08:40:00+00:00", early) == "2026-03-12T08:30:00+00:00"


def test_a_utc_trigger_is_compared_with_0845_london_time(sample):
    # 07:50 UTC is 08:50 BST: after the school day started, so due the next day.
    assert due("2026-06-15T07:50:00+00:00", sample) == "2026-06-16T08:45:00+01:00"
    # 07:44 UTC is 08:44 BST: still before the start.
    assert due("2026-06-15T07:44:00+00:00", sample) == "2026-06-15T08:45:00+01:00"


# --- weekends and the local date ----------------------------------------------------------


def test_a_friday_afternoon_notification_is_due_on_monday(sample):
    assert due("2026-03-13T15:00:00+00:00", sample) == "2026-03-16T08:45:00+00:00"


def test_a_saturday_notification_is_due_on_monday(sample):
    assert due("2026-03-07T10:00:00+00:00", sample) == "2026-03-09T08:45:00+00:00"


def test_a_late_sunday_evening_notification_is_due_on_monday(sample):
    assert due("2026-03-08T23:59:00+00:00", sample) == "2026-03-09T08:45:00+00:00"


def test_late_sunday_utc_that_is_monday_in_london_is_due_monday_morning(sample):
    # 23:30 UTC on Sunday 14 June is 00:30 BST on Monday 15 June, before the school day.
    assert due("2026-06-14T23:30:00+00:00", sample) == "2026-06-15T08:45:00+01:00"


# --- bank holidays ------------------------------------------------------------------------


def test_the_early_may_bank_holiday_in_term_is_skipped(sample):
    # Monday 4 May 2026 is a bank holiday in the summer term.
    assert due("2026-05-01T09:00:00+01:00", sample) == "2026-05-05T08:45:00+01:00"


def test_the_spring_bank_holiday_and_half_term_are_skipped(sample):
    # Monday 25 May 2026 is a bank holiday and 25-29 May half term.
    assert due("2026-05-22T12:00:00+01:00", sample) == "2026-06-01T08:45:00+01:00"


def test_easter_is_skipped_without_terms():
    # Good Friday 3 April, Easter Monday 6 April 2026.
    default = SchoolCalendar.default()
    assert due("2026-04-02T10:00:00+01:00", default) == "2026-04-07T08:45:00+01:00"
    assert due("2026-04-03T10:00:00+01:00", default) == "2026-04-07T08:45:00+01:00"


def test_christmas_2026_and_its_substitute_day_are_skipped_without_terms():
    # Christmas Friday 25 Dec, Boxing Day Saturday 26 Dec, substitute Monday 28 Dec 2026.
    default = SchoolCalendar.default()
    assert due("2026-12-24T10:00:00+00:00", default) == "2026-12-29T08:45:00+00:00"


# --- half terms, INSET days, the ends and starts of terms -----------------------------------


def test_half_term_is_skipped(sample):
    assert due("2026-02-13T16:00:00+00:00", sample) == "2026-02-23T08:45:00+00:00"


def test_a_notification_during_half_term_is_due_the_first_day_back(sample):
    assert due("2026-02-18T08:00:00+00:00", sample) == "2026-02-23T08:45:00+00:00"


def test_an_inset_day_before_half_term_is_skipped_across_the_clock_change(sample):
    # Fri 24 Oct 2025 INSET, 27-31 Oct half term; clocks went back on Sun 26 Oct 2025.
    assert due("2025-10-23T10:00:00+01:00", sample) == "2025-11-03T08:45:00+00:00"


def test_an_inset_day_starting_a_term_is_skipped(sample):
    # Mon 5 Jan 2026 is INSET.
    assert due("2026-01-02T12:00:00+00:00", sample) == "2026-01-06T08:45:00+00:00"
    assert due("2026-01-05T07:00:00+00:00", sample) == "2026-01-06T08:45:00+00:00"


def test_a_notification_in_the_summer_holiday_is_due_on_the_first_pupil_day(sample):
    # Autumn term starts Wed 3 Sep 2025 with INSET; pupils arrive Thu 4 Sep.
    assert due("2025-08-20T10:00:00+01:00", sample) == "2025-09-04T08:45:00+01:00"


def test_a_notification_on_the_last_day_of_term_is_due_next_term(sample):
    assert due("2025-12-19T09:00:00+00:00", sample) == "2026-01-06T08:45:00+00:00"


def test_a_notification_on_the_christmas_holiday_is_due_next_term(sample):
    assert due("2025-12-24T10:00:00+00:00", sample) == "2026-01-06T08:45:00+00:00"


# --- clock changes ------------------------------------------------------------------------


def test_friday_evening_gmt_due_after_the_clocks_go_forward_prints_bst(sample):
    # Spring term ends Fri 27 Mar; the next pupil day is Tue 14 Apr (13 Apr is INSET).
    assert due("2026-03-27T20:00:00+00:00", sample) == "2026-04-14T08:45:00+01:00"


def test_friday_evening_gmt_due_on_monday_after_the_clocks_go_forward():
    assert due("2026-03-27T20:00:00+00:00", SchoolCalendar.default()) == (
        "2026-03-30T08:45:00+01:00"
    )


def test_friday_evening_bst_due_on_monday_after_the_clocks_go_back():
    assert due("2026-10-23T18:00:00+01:00", SchoolCalendar.default()) == (
        "2026-10-26T08:45:00+00:00"
    )


def test_a_notification_on_the_night_the_clocks_go_forward():
    # 00:30 GMT on Sunday 29 March 2026; Monday is the next pupil day.
    assert due("2026-03-29T00:30:00+00:00", SchoolCalendar.default()) == (
        "2026-03-30T08:45:00+01:00"
    )


# --- the end of the calendar --------------------------------------------------------------


def test_before_the_start_on_the_last_pupil_day_of_the_year(sample):
    assert due("2026-07-21T08:00:00+01:00", sample) == "2026-07-21T08:45:00+01:00"


@pytest.mark.parametrize(
    "trigger",
    ["2026-07-21T09:00:00+01:00", "2026-07-22T07:00:00+01:00", "2026-08-10T10:00:00+01:00"],
)
def test_no_due_time_after_the_last_pupil_day_of_the_calendar(sample, trigger):
    with pytest.raises(NoDueTime, match=r"^encompass-before-school: the calendar has no pupil day"):
        due(trigger, sample)


def test_the_next_years_term_gives_a_due_time(with_next_year):
    # The autumn 2026 term starts with INSET on Wed 2 Sep; pupils return Thu 3 Sep.
    assert due("2026-07-21T09:00:00+01:00", with_next_year) == "2026-09-03T08:45:00+01:00"


def test_without_terms_a_long_closure_gives_no_due_time_instead_of_searching_forever():
    calendar = SchoolCalendar.model_validate(
        {
            "timezone": "Europe/London",
            "school_day_starts": "08:45",
            "close_of_business": "17:00",
            "closures": [{"start": "2026-01-01", "end": "2029-12-31", "reason": "rebuild"}],
        }
    )
    with pytest.raises(NoDueTime):
        due("2026-03-11T10:00:00+00:00", calendar)


def test_without_terms_a_summer_weekday_is_a_pupil_day():
    assert due("2026-08-10T10:00:00+01:00", SchoolCalendar.default()) == (
        "2026-08-11T08:45:00+01:00"
    )


def test_a_trigger_in_the_repeated_hour_in_the_schools_own_zone():
    # The second 01:30 on Sun 25 Oct 2026 (fold=1, GMT); Monday is the next pupil day.
    trigger = datetime(2026, 10, 25, 1, 30, fold=1, tzinfo=SchoolCalendar.default().zone)
    due = compute_due(DeadlineRule.ENCOMPASS_BEFORE_SCHOOL, trigger, SchoolCalendar.default())
    assert due.isoformat() == "2026-10-26T08:45:00+00:00"
