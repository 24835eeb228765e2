"""risk-assessment-review (T = the review date a DSL set on a risk assessment): due at
close_of_business on T in the school's zone, whatever kind of day T is (the DSL chose
it); approaching a quarter of that day's window before."""

from datetime import date, datetime
from pathlib import Path

import pytest

from contracts.case_v1 import DeadlineRule
from services.case.domain.calendar import SchoolCalendar
from services.case.domain.deadline_rules import compute_approaching, compute_due

SAMPLE = Path(__file__).parents[1] / "samples" / "calendar-2025-26.json"
RULE = DeadlineRule.RISK_ASSESSMENT_REVIEW


@pytest.fixture(scope="module")
def sample() -> SchoolCalendar:
    return SchoolCalendar.model_validate_json(SAMPLE.read_text())


def due(trigger: date | datetime, calendar: SchoolCalendar) -> str:
    return compute_due(RULE, trigger, calendar).isoformat()


def test_due_at_close_of_business_on_the_review_date(sample):
    assert due(date(2026, 3, 10), sample) == "2026-03-10T17:00:00+00:00"


def test_in_summer_time_close_of_business_is_british_summer_time(sample):
    assert due(date(2026, 6, 10), sample) == "2026-06-10T17:00:00+01:00"


@pytest.mark.parametrize(
    "review_on",
    [date(2026, 3, 14), date(2026, 2, 17), date(2026, 8, 12), date(2026, 5, 25)],
    ids=["saturday", "half term", "summer holiday", "bank holiday"],
)
def test_the_date_the_dsl_chose_stands_whatever_the_day(sample, review_on):
    assert due(review_on, sample) == f"{review_on.isoformat()}T17:00:00+{_offset(review_on)}"


def _offset(day: date) -> str:
    return "01:00" if date(2026, 3, 29) <= day < date(2026, 10, 25) else "00:00"


def test_a_school_closing_earlier_is_due_earlier():
    early = SchoolCalendar.model_validate(
        {"timezone": "Europe/London", "school_day_starts": "08:30", "close_of_business": "15:30"}
    )
    assert due(date(2026, 3, 10), early) == "2026-03-10T15:30:00+00:00"


def test_an_aware_moment_counts_as_its_date_in_the_school_zone(sample):
    # 23:30 UTC on 9 June is 00:30 on 10 June in London.
    assert due(datetime.fromisoformat("2026-06-09T23:30:00+00:00"), sample) == (
        "2026-06-10T17:00:00+01:00"
    )


def test_approaching_is_a_quarter_of_the_days_window_before(sample):
    review_on = date(2026, 3, 10)
    due_at = compute_due(RULE, review_on, sample)
    approaching = compute_approaching(RULE, review_on, due_at, sample, fraction=0.25)
    assert approaching.isoformat() == "2026-03-10T12:45:00+00:00"  # 17 h from midnight / 4
