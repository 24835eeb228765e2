"""lado-referral, fgm-police-report, social-care-feedback, suspension-confirmation: due at
close_of_business on the first working day after T's date in the school's time zone.

Working days ignore terms and closures: only weekends and bank holidays are skipped.
"""

from datetime import datetime
from pathlib import Path

import pytest

from contracts.case_v1 import DeadlineRule
from services.case.domain.calendar import SchoolCalendar
from services.case.domain.deadline_rules import compute_due

SAMPLE = Path(__file__).parents[1] / "samples" / "calendar-2025-26.json"

RULES = [
    DeadlineRule.LADO_REFERRAL,
    DeadlineRule.FGM_POLICE_REPORT,
    DeadlineRule.SOCIAL_CARE_FEEDBACK,
    DeadlineRule.SUSPENSION_CONFIRMATION,
]


@pytest.fixture(scope="module")
def sample() -> SchoolCalendar:
    return SchoolCalendar.model_validate_json(SAMPLE.read_text())


@pytest.fixture(params=RULES, ids=str)
def rule(request) -> DeadlineRule:
    return request.param


def due(rule: DeadlineRule, trigger: str, calendar: SchoolCalendar) -> str:
    return compute_due(rule, datetime.fromisoformat(trigger), calendar).isoformat()


@pytest.mark.parametrize(
    "trigger",
    ["2026-03-09T00:00:00+00:00", "2026-03-09T10:00:00+00:00", "2026-03-09T23:59:59+00:00"],
)
def test_any_time_on_monday_is_due_at_close_of_business_on_tuesday(sample, rule, trigger):
    assert due(rule, trigger, sample) == "2026-03-10T17:00:00+00:00"


@pytest.mark.parametrize(
    ("trigger", "expected"),
    [
        ("2026-03-13T16:00:00+00:00", "2026-03-16T17:00:00+00:00"),  # Friday
        ("2026-03-14T10:00:00+00:00", "2026-03-16T17:00:00+00:00"),  # Saturday
        ("2026-03-15T10:00:00+00:00", "2026-03-16T17:00:00+00:00"),  # Sunday
    ],
)
def test_weekends_are_skipped(sample, rule, trigger, expected):
    assert due(rule, trigger, sample) == expected


@pytest.mark.parametrize(
    ("trigger", "expected"),
    [
        # Thu before Good Friday (3 Apr) and Easter Monday (6 Apr).
        ("2026-04-02T10:00:00+01:00", "2026-04-07T17:00:00+01:00"),
        # Fri before the early May bank holiday (4 May).
        ("2026-05-01T10:00:00+01:00", "2026-05-05T17:00:00+01:00"),
        # Fri before the spring bank holiday (25 May).
        ("2026-05-22T10:00:00+01:00", "2026-05-26T17:00:00+01:00"),
        # Fri before the summer bank holiday (31 Aug).
        ("2026-08-28T10:00:00+01:00", "2026-09-01T17:00:00+01:00"),
        # Christmas Eve: Fri 25 Dec and Mon 28 Dec (Boxing Day substitute) are skipped.
        ("2026-12-24T10:00:00+00:00", "2026-12-29T17:00:00+00:00"),
        ("2026-12-23T10:00:00+00:00", "2026-12-24T17:00:00+00:00"),
        # New Year's Eve: Fri 1 Jan 2027 is skipped.
        ("2026-12-31T10:00:00+00:00", "2027-01-04T17:00:00+00:00"),
    ],
)
def test_bank_holidays_are_skipped(sample, rule, trigger, expected):
    assert due(rule, trigger, sample) == expected


@pytest.mark.parametrize(
    ("trigger", "expected"),
    [
        ("2026-02-13T10:00:00+00:00", "2026-02-16T17:00:00+00:00"),  # before half term
        ("2026-01-02T10:00:00+00:00", "2026-01-05T17:00:00+00:00"),  # before an INSET day
        ("2026-07-21T10:00:00+01:00", "2026-07-22T17:00:00+01:00"),  # end of the last term
        ("2026-08-10T10:00:00+01:00", "2026-08-11T17:00:00+01:00"),  # summer holiday
    ],
)
def test_terms_half_terms_and_inset_days_do_not_matter(sample, rule, trigger, expected):
    assert due(rule, trigger, sample) == expected


def test_late_sunday_utc_that_is_monday_in_london_is_due_on_tuesday(sample, rule):
    # 23:30 UTC on Sun 14 Jun is 00:30 BST on Mon 15 Jun: the first working day after is Tue.
    assert due(rule, "2026-06-14T23:30:00+00:00", sample) == "2026-06-16T17:00:00+01:00"


def test_late_sunday_utc_in_winter_is_still_sunday_in_london(sample, rule):
    assert due(rule, "2026-01-11T23:30:00+00:00", sample) == "2026-01-12T17:00:00+00:00"


def test_across_the_clocks_going_forward(sample, rule):
    assert due(rule, "2026-03-27T12:00:00+00:00", sample) == "2026-03-30T17:00:00+01:00"


def test_across_the_clocks_going_back(sample, rule):
    assert due(rule, "2026-10-23T12:00:00+01:00", sample) == "2026-10-26T17:00:00+00:00"


def test_on_the_night_the_clocks_go_forward(sample, rule):
    # 01:30 UTC on Sun 29 Mar is 02:30 BST, still Sunday.
    assert due(rule, "2026-03-29T01:30:00+00:00", sample) == "2026-03-30T17:00:00+01:00"


def test_the_schools_close_of_business_is_used(sample, rule):
    data = sample.model_dump(mode="json") | {"close_of_business": "16:30"}
    calendar = SchoolCalendar.model_validate(data)
    assert due(rule, "2026-03-09T10:00:00+00:00", calendar) == "2026-03-10T16:30:00+00:00"


def test_the_default_calendar(rule):
    assert due(rule, "2026-03-09T10:00:00+00:00", SchoolCalendar.default()) == (
        "2026-03-10T17:00:00+00:00"
    )
