"""compute_approaching: when a deadline starts to show as approaching.

encompass-before-school: 30 minutes before due. The others: a fraction (default 25%) of the
window (due - T) before due; for file-transfer T is the start of the leaving day. Durations are
elapsed time, so clock changes are handled in UTC.
"""

from datetime import date, datetime
from pathlib import Path

import pytest

from contracts.case_v1 import DeadlineRule
from services.case.domain.calendar import SchoolCalendar
from services.case.domain.deadline_rules import (
    DATE_TRIGGERED_RULES,
    compute_approaching,
    compute_due,
)

SAMPLE = Path(__file__).parents[1] / "samples" / "calendar-2025-26.json"


@pytest.fixture(scope="module")
def sample() -> SchoolCalendar:
    return SchoolCalendar.model_validate_json(SAMPLE.read_text())


def at(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def approaching(
    rule: DeadlineRule,
    trigger: str | date,
    due: str,
    calendar: SchoolCalendar,
    **kwargs: float,
) -> str:
    moment = at(trigger) if isinstance(trigger, str) else trigger
    return compute_approaching(rule, moment, at(due), calendar, **kwargs).isoformat()


# --- encompass-before-school ---------------------------------------------------------------


def test_encompass_is_approaching_30_minutes_before_due(sample):
    assert (
        approaching(
            DeadlineRule.ENCOMPASS_BEFORE_SCHOOL,
            "2026-03-10T20:00:00+00:00",
            "2026-03-11T08:45:00+00:00",
            sample,
        )
        == "2026-03-11T08:15:00+00:00"
    )


def test_encompass_ignores_the_fraction(sample):
    assert (
        approaching(
            DeadlineRule.ENCOMPASS_BEFORE_SCHOOL,
            "2026-03-10T20:00:00+00:00",
            "2026-03-11T08:45:00+00:00",
            sample,
            fraction=0.5,
        )
        == "2026-03-11T08:15:00+00:00"
    )


def test_encompass_received_within_30_minutes_of_due_is_approaching_at_once(sample):
    assert (
        approaching(
            DeadlineRule.ENCOMPASS_BEFORE_SCHOOL,
            "2026-03-11T08:30:00+00:00",
            "2026-03-11T08:45:00+00:00",
            sample,
        )
        == "2026-03-11T08:30:00+00:00"
    )


def test_encompass_after_the_clocks_go_forward(sample):
    assert (
        approaching(
            DeadlineRule.ENCOMPASS_BEFORE_SCHOOL,
            "2026-03-27T20:00:00+00:00",
            "2026-04-14T08:45:00+01:00",
            sample,
        )
        == "2026-04-14T08:15:00+01:00"
    )


# --- dsl-triage ---------------------------------------------------------------------------


def test_dsl_triage_is_approaching_15_minutes_before_an_hour_deadline(sample):
    assert (
        approaching(
            DeadlineRule.DSL_TRIAGE,
            "2026-03-11T10:00:00+00:00",
            "2026-03-11T11:00:00+00:00",
            sample,
        )
        == "2026-03-11T10:45:00+00:00"
    )


def test_dsl_triage_in_immediate_danger(sample):
    # A quarter of 15 minutes is 3m45s.
    assert (
        approaching(
            DeadlineRule.DSL_TRIAGE,
            "2026-03-11T10:00:00+00:00",
            "2026-03-11T10:15:00+00:00",
            sample,
        )
        == "2026-03-11T10:11:15+00:00"
    )


def test_dsl_triage_across_the_clocks_going_forward(sample):
    # 00:30 UTC to 01:30 UTC; 45 elapsed minutes in is 01:15 UTC = 02:15 BST.
    assert (
        approaching(
            DeadlineRule.DSL_TRIAGE,
            "2026-03-29T00:30:00+00:00",
            "2026-03-29T02:30:00+01:00",
            sample,
        )
        == "2026-03-29T02:15:00+01:00"
    )


# --- next working day rules ---------------------------------------------------------------


def test_lado_referral_is_approaching_a_quarter_of_the_window_before_due(sample):
    # Mon 10:00 to Tue 17:00 is 31 hours; a quarter is 7h45m.
    assert (
        approaching(
            DeadlineRule.LADO_REFERRAL,
            "2026-03-09T10:00:00+00:00",
            "2026-03-10T17:00:00+00:00",
            sample,
        )
        == "2026-03-10T09:15:00+00:00"
    )


def test_the_fraction_is_configurable(sample):
    # Half of 31 hours is 15h30m.
    assert (
        approaching(
            DeadlineRule.SOCIAL_CARE_FEEDBACK,
            "2026-03-09T10:00:00+00:00",
            "2026-03-10T17:00:00+00:00",
            sample,
            fraction=0.5,
        )
        == "2026-03-10T01:30:00+00:00"
    )


def test_a_zero_fraction_is_approaching_at_due_and_one_at_the_trigger(sample):
    trigger, due = "2026-03-09T10:00:00+00:00", "2026-03-10T17:00:00+00:00"
    assert approaching(DeadlineRule.FGM_POLICE_REPORT, trigger, due, sample, fraction=0) == due
    assert approaching(DeadlineRule.FGM_POLICE_REPORT, trigger, due, sample, fraction=1) == trigger


def test_a_window_across_the_clocks_going_forward_is_measured_in_elapsed_time(sample):
    # Sat 12:00 UTC to Mon 16:00 UTC is 52 hours, not the 53 on the wall; a quarter is 13 hours:
    # 03:00 UTC = 04:00 BST.
    assert (
        approaching(
            DeadlineRule.SUSPENSION_CONFIRMATION,
            "2026-03-28T12:00:00+00:00",
            "2026-03-30T17:00:00+01:00",
            sample,
        )
        == "2026-03-30T04:00:00+01:00"
    )


def test_a_window_across_the_clocks_going_back_is_measured_in_elapsed_time(sample):
    # Fri 11:00 UTC to Mon 17:00 UTC is 78 hours; a quarter is 19h30m: Sun 21:30 UTC = GMT.
    assert (
        approaching(
            DeadlineRule.LADO_REFERRAL,
            "2026-10-23T12:00:00+01:00",
            "2026-10-26T17:00:00+00:00",
            sample,
        )
        == "2026-10-25T21:30:00+00:00"
    )


# --- file-transfer ------------------------------------------------------------------------


def test_file_transfer_measures_the_window_from_the_start_of_the_leaving_day(sample):
    # Wed 11 Mar 00:00 to Wed 18 Mar 17:00 is 185 hours; a quarter is 46h15m.
    assert (
        approaching(
            DeadlineRule.FILE_TRANSFER, date(2026, 3, 11), "2026-03-18T17:00:00+00:00", sample
        )
        == "2026-03-16T18:45:00+00:00"
    )


def test_file_transfer_across_the_clocks_going_forward(sample):
    # 23 Mar 00:00 UTC to 14 Apr 16:00 UTC is 544 hours; a quarter is 136 hours (5d16h):
    # 9 Apr 00:00 UTC = 01:00 BST.
    assert (
        approaching(
            DeadlineRule.FILE_TRANSFER, date(2026, 3, 23), "2026-04-14T17:00:00+01:00", sample
        )
        == "2026-04-09T01:00:00+01:00"
    )


def test_file_transfer_with_a_datetime_trigger_uses_the_start_of_its_london_date(sample):
    # Mon 15 Jun 00:00 BST to Mon 22 Jun 17:00 BST is 185 hours; a quarter is 46h15m.
    assert (
        approaching(
            DeadlineRule.FILE_TRANSFER,
            "2026-06-14T23:30:00+00:00",
            "2026-06-22T17:00:00+01:00",
            sample,
        )
        == "2026-06-20T18:45:00+01:00"
    )


# --- together with compute_due ------------------------------------------------------------


@pytest.mark.parametrize("rule", [r for r in DeadlineRule if r not in DATE_TRIGGERED_RULES])
def test_approaching_lies_between_the_trigger_and_due(sample, rule):
    for iso in ["2026-03-11T08:30:00+00:00", "2026-03-27T20:00:00+00:00", "2026-10-24T23:00:00Z"]:
        trigger = at(iso)
        due = compute_due(rule, trigger, SchoolCalendar.default())
        result = compute_approaching(rule, trigger, due, SchoolCalendar.default())
        assert trigger <= result < due


# --- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize("fraction", [-0.1, 1.01, float("nan")])
def test_the_fraction_must_be_between_0_and_1(sample, fraction):
    with pytest.raises(ValueError, match="fraction must be between 0 and 1"):
        approaching(
            DeadlineRule.LADO_REFERRAL,
            "2026-03-09T10:00:00+00:00",
            "2026-03-10T17:00:00+00:00",
            sample,
            fraction=fraction,
        )


def test_due_before_the_trigger_is_rejected(sample):
    with pytest.raises(ValueError, match=r"^lado-referral: due .* is before"):
        approaching(
            DeadlineRule.LADO_REFERRAL,
            "2026-03-10T18:00:00+00:00",
            "2026-03-10T17:00:00+00:00",
            sample,
        )


def test_a_naive_due_is_rejected(sample):
    with pytest.raises(ValueError, match="due must be a timezone-aware datetime"):
        compute_approaching(
            DeadlineRule.DSL_TRIAGE,
            at("2026-03-11T10:00:00+00:00"),
            datetime(2026, 3, 11, 11),
            sample,
        )


def test_a_naive_trigger_is_rejected(sample):
    with pytest.raises(ValueError, match="trigger must be timezone-aware"):
        compute_approaching(
            DeadlineRule.DSL_TRIAGE,
            datetime(2026, 3, 11, 10),
            at("2026-03-11T11:00:00+00:00"),
            sample,
        )


# --- with due times from compute_due, which share the school's tzinfo --------------------


def test_a_window_across_the_clocks_going_forward_from_compute_due_is_elapsed_time(sample):
    # Sat 28 Mar 12:00 GMT to Mon 30 Mar 17:00 BST is 52 elapsed hours; 13 hours before due.
    trigger = datetime(2026, 3, 28, 12, 0, tzinfo=sample.zone)
    due = compute_due(DeadlineRule.LADO_REFERRAL, trigger, sample)
    assert due.isoformat() == "2026-03-30T17:00:00+01:00"
    result = compute_approaching(DeadlineRule.LADO_REFERRAL, trigger, due, sample)
    assert result.isoformat() == "2026-03-30T04:00:00+01:00"


def test_a_file_transfer_window_from_compute_due_is_elapsed_time(sample):
    # 23 Mar 00:00 GMT to 14 Apr 17:00 BST is 544 elapsed hours; 136 hours before due.
    due = compute_due(DeadlineRule.FILE_TRANSFER, date(2026, 3, 23), sample)
    assert due.isoformat() == "2026-04-14T17:00:00+01:00"
    result = compute_approaching(DeadlineRule.FILE_TRANSFER, date(2026, 3, 23), due, sample)
    assert result.isoformat() == "2026-04-09T01:00:00+01:00"
