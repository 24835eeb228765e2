"""dsl-triage: due 60 minutes of elapsed time after the concern, 15 in immediate danger.

Elapsed time ignores the calendar entirely; only clock changes make the wall clock jump.
"""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from contracts.case_v1 import DeadlineRule
from services.case.domain.calendar import SchoolCalendar
from services.case.domain.deadline_rules import compute_due

SAMPLE = Path(__file__).parents[1] / "samples" / "calendar-2025-26.json"


@pytest.fixture(scope="module")
def sample() -> SchoolCalendar:
    return SchoolCalendar.model_validate_json(SAMPLE.read_text())


def due(
    trigger: str | datetime, calendar: SchoolCalendar, *, immediate_danger: bool = False
) -> str:
    moment = datetime.fromisoformat(trigger) if isinstance(trigger, str) else trigger
    return compute_due(
        DeadlineRule.DSL_TRIAGE, moment, calendar, immediate_danger=immediate_danger
    ).isoformat()


def test_due_an_hour_after_the_concern(sample):
    assert due("2026-03-11T10:00:00+00:00", sample) == "2026-03-11T11:00:00+00:00"


def test_due_fifteen_minutes_after_the_concern_in_immediate_danger(sample):
    assert due("2026-03-11T10:00:00+00:00", sample, immediate_danger=True) == (
        "2026-03-11T10:15:00+00:00"
    )


def test_seconds_and_microseconds_are_kept(sample):
    assert due("2026-03-11T10:00:07.123456+00:00", sample) == "2026-03-11T11:00:07.123456+00:00"


def test_the_window_can_cross_midnight(sample):
    assert due("2026-03-11T23:30:00+00:00", sample) == "2026-03-12T00:30:00+00:00"


@pytest.mark.parametrize(
    ("trigger", "expected"),
    [
        ("2026-03-07T23:30:00+00:00", "2026-03-08T00:30:00+00:00"),  # Saturday night
        ("2026-04-03T23:30:00+01:00", "2026-04-04T00:30:00+01:00"),  # Good Friday
        ("2026-12-25T12:00:00+00:00", "2026-12-25T13:00:00+00:00"),  # Christmas Day
        ("2026-02-18T10:00:00+00:00", "2026-02-18T11:00:00+00:00"),  # half term
        ("2026-08-10T10:00:00+01:00", "2026-08-10T11:00:00+01:00"),  # after the last term
    ],
)
def test_weekends_holidays_and_the_end_of_the_calendar_do_not_matter(sample, trigger, expected):
    assert due(trigger, sample) == expected


def test_the_result_is_in_london_time_whatever_the_trigger_zone(sample):
    assert due("2026-06-15T09:00:00+00:00", sample) == "2026-06-15T11:00:00+01:00"
    paris = datetime(2026, 6, 15, 11, 0, tzinfo=ZoneInfo("Europe/Paris"))  # 09:00 UTC
    assert due(paris, sample) == "2026-06-15T11:00:00+01:00"


def test_an_hour_across_the_clocks_going_forward_reads_two_hours_on_the_wall(sample):
    # 00:30 GMT = 00:30 UTC; + 1 hour = 01:30 UTC = 02:30 BST.
    assert due("2026-03-29T00:30:00+00:00", sample) == "2026-03-29T02:30:00+01:00"


def test_immediate_danger_across_the_clocks_going_forward(sample):
    # 00:50 GMT + 15 minutes = 01:05 UTC = 02:05 BST.
    assert due("2026-03-29T00:50:00+00:00", sample, immediate_danger=True) == (
        "2026-03-29T02:05:00+01:00"
    )


def test_an_hour_into_the_repeated_hour_when_the_clocks_go_back(sample):
    # 00:30 BST = 23:30 UTC; + 1 hour = 00:30 UTC = 01:30 BST, the first 01:30.
    assert due("2026-10-25T00:30:00+01:00", sample) == "2026-10-25T01:30:00+01:00"


def test_an_hour_reads_zero_hours_on_the_wall_when_the_clocks_go_back(sample):
    # 01:30 BST = 00:30 UTC; + 1 hour = 01:30 UTC = 01:30 GMT, the second 01:30.
    assert due("2026-10-25T01:30:00+01:00", sample) == "2026-10-25T01:30:00+00:00"


def test_immediate_danger_can_be_due_at_an_earlier_wall_time_when_the_clocks_go_back(sample):
    # 01:50 BST = 00:50 UTC; + 15 minutes = 01:05 UTC = 01:05 GMT.
    assert due("2026-10-25T01:50:00+01:00", sample, immediate_danger=True) == (
        "2026-10-25T01:05:00+00:00"
    )


def test_a_trigger_in_the_schools_own_zone_is_still_elapsed_time(sample):
    # Adding an hour to 00:30 wall-clock in Europe/London would land in the missing hour.
    trigger = datetime(2026, 3, 29, 0, 30, tzinfo=sample.zone)
    assert due(trigger, sample) == "2026-03-29T02:30:00+01:00"
