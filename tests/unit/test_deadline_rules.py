"""The deadline rules' interface: rule names, trigger types, errors and the time zone of results."""

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from contracts.case_v1 import DeadlineRule
from services.case.domain.calendar import SchoolCalendar
from services.case.domain.deadline_rules import (
    DATE_TRIGGERED_RULES,
    NoDueTime,
    compute_approaching,
    compute_due,
)

SAMPLE = Path(__file__).parents[1] / "samples" / "calendar-2025-26.json"

DATETIME_RULES = [rule for rule in DeadlineRule if rule not in DATE_TRIGGERED_RULES]
DATE_RULES = sorted(DATE_TRIGGERED_RULES)


@pytest.fixture(scope="module")
def sample() -> SchoolCalendar:
    return SchoolCalendar.model_validate_json(SAMPLE.read_text())


def at(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def test_the_rules_and_their_names():
    assert [rule.value for rule in DeadlineRule] == [
        "encompass-before-school",
        "dsl-triage",
        "file-transfer",
        "lado-referral",
        "fgm-police-report",
        "social-care-feedback",
        "suspension-confirmation",
        "risk-assessment-review",
    ]


def test_a_rule_can_be_given_by_its_name(sample):
    due = compute_due("dsl-triage", at("2026-03-11T10:00:00+00:00"), sample)  # type: ignore[arg-type]
    assert due.isoformat() == "2026-03-11T11:00:00+00:00"


def test_an_unknown_rule_is_a_value_error(sample):
    with pytest.raises(ValueError, match="'fire-drill' is not a valid DeadlineRule"):
        compute_due("fire-drill", at("2026-03-11T10:00:00+00:00"), sample)  # type: ignore[arg-type]


@pytest.mark.parametrize("rule", DATETIME_RULES)
def test_a_naive_trigger_is_rejected(sample, rule):
    with pytest.raises(ValueError, match=f"^{rule}: trigger must be timezone-aware"):
        compute_due(rule, datetime(2026, 3, 11, 10, 0), sample)


@pytest.mark.parametrize("rule", DATETIME_RULES)
def test_a_date_is_not_a_trigger_moment(sample, rule):
    with pytest.raises(ValueError, match=f"^{rule}: trigger must be a timezone-aware datetime"):
        compute_due(rule, date(2026, 3, 11), sample)


@pytest.mark.parametrize("rule", DATE_RULES)
@pytest.mark.parametrize("trigger", ["2026-03-11", None, 20260311])
def test_date_rules_need_a_date(sample, rule, trigger):
    with pytest.raises(ValueError, match=f"^{rule}: trigger must be a date"):
        compute_due(rule, trigger, sample)


@pytest.mark.parametrize("rule", DATE_RULES)
def test_date_rules_reject_a_naive_datetime(sample, rule):
    with pytest.raises(ValueError, match=f"^{rule}: trigger must be timezone-aware"):
        compute_due(rule, datetime(2026, 3, 11, 10, 0), sample)


@pytest.mark.parametrize("rule", DATETIME_RULES)
def test_results_are_in_the_school_time_zone_whatever_the_trigger_zone(sample, rule):
    due = compute_due(rule, at("2026-03-11T10:00:00+05:30"), sample)
    assert due.tzinfo == ZoneInfo("Europe/London")


@pytest.mark.parametrize("rule", [r for r in DATETIME_RULES if r is not DeadlineRule.DSL_TRIAGE])
def test_immediate_danger_only_changes_dsl_triage(sample, rule):
    trigger = at("2026-03-11T10:00:00+00:00")
    assert compute_due(rule, trigger, sample, immediate_danger=True) == compute_due(
        rule, trigger, sample
    )


def test_no_due_time_names_the_rule_and_the_trigger(sample):
    trigger = at("2026-07-21T09:00:00+01:00")
    with pytest.raises(NoDueTime) as caught:
        compute_due(DeadlineRule.ENCOMPASS_BEFORE_SCHOOL, trigger, sample)
    assert str(caught.value) == (
        "encompass-before-school: the calendar has no pupil day after 2026-07-21T09:00:00+01:00"
    )
    assert caught.value.rule is DeadlineRule.ENCOMPASS_BEFORE_SCHOOL
    assert caught.value.trigger == trigger


def test_no_due_time_is_not_a_value_error():
    # Callers tell "the input is wrong" (ValueError) from "the calendar runs out" (NoDueTime).
    assert not issubclass(NoDueTime, ValueError)


@pytest.mark.parametrize("rule", list(DeadlineRule))
def test_every_rule_has_a_due_and_an_approaching_time(sample, rule):
    trigger = (
        date(2026, 3, 11) if rule is DeadlineRule.FILE_TRANSFER else at("2026-03-11T10:00:00+00:00")
    )
    due = compute_due(rule, trigger, sample)
    approaching = compute_approaching(rule, trigger, due, sample)
    assert approaching < due
