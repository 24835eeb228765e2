"""The rules of concerns about adults (KCSIE Part 4), as a case manager would state them:
who manages a case, when a concern is an allegation, when low-level concerns make a
pattern, how long a closed case is kept, and who may see a case at all."""

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from contracts.adult_cases import AdultSubject, AllegationOutcome, HarmCriterion
from contracts.vocabulary import Role
from services.case.domain.adult_cases import case_manager_role, opening_access
from services.case.domain.allegation_outcome import (
    OutcomeRequest,
    due_for_review,
    retention_for,
    state_pension_age,
)
from services.case.domain.harm_threshold import DecisionRequest, decision_for
from services.case.domain.low_level_log import adult_key, new_pattern, normalised_name
from services.common.adult_access import adult_case_role
from services.common.auth import Principal

# --- who manages the case --------------------------------------------------------------


def subject(role: str, name: str = "Sam Teach", user: str | None = None) -> AdultSubject:
    return AdultSubject(name=name, role=role, staff_user_id=user)


@pytest.mark.parametrize("role", ["staff", "supply", "volunteer", "contractor", "governor"])
def test_the_headteacher_manages_a_concern_about_anyone_else(role):
    assert case_manager_role(subject(role)) == "headteacher"


def test_the_chair_of_governors_manages_a_concern_about_the_headteacher():
    assert case_manager_role(subject("headteacher")) == "chair_of_governors"


def test_a_trust_lead_named_by_the_trust_manages_alongside():
    access = opening_access(subject("staff", user="teacher-9"), "tsl-1")
    assert access == {
        "manager_role": "headteacher",
        "trust_lead_user_id": "tsl-1",
        "named_dsl_user_ids": [],
        "subject_staff_user_id": "teacher-9",
        "revision": 1,
    }


# --- who may see it ----------------------------------------------------------------------


def at_oak(user: str, *roles: Role) -> Principal:
    return Principal(user, frozenset(roles), "oak", "oak-trust")


ACCESS = {
    "manager_role": "headteacher",
    "trust_lead_user_id": "tsl-1",
    "named_dsl_user_ids": ["dsl-2"],
    "subject_staff_user_id": "dsl-9",
    "revision": 2,
}


def role_of(principal: Principal, access: dict = ACCESS) -> str | None:
    return adult_case_role(principal, "oak", "oak-trust", access)


def test_the_headteacher_and_the_named_trust_lead_manage_the_case():
    assert role_of(at_oak("head-1", Role.HEADTEACHER)) == "manager"
    lead = Principal("tsl-1", frozenset({Role.TRUST_SAFEGUARDING_LEAD}), None, "oak-trust")
    assert role_of(lead) == "manager"
    other_lead = Principal("tsl-2", frozenset({Role.TRUST_SAFEGUARDING_LEAD}), None, "oak-trust")
    assert role_of(other_lead) is None


def test_a_named_dsl_works_it_while_a_dsl_and_the_other_dsls_never_see_it():
    assert role_of(at_oak("dsl-2", Role.DSL)) == "named_dsl"
    assert role_of(at_oak("dsl-2", Role.STAFF)) is None
    assert role_of(at_oak("dsl-3", Role.DSL)) is None


def test_the_subject_never_sees_it_whatever_roles_they_hold():
    everything = at_oak("dsl-9", *Role)
    assert role_of(everything) is None
    head_subject = {**ACCESS, "subject_staff_user_id": "head-1"}
    assert role_of(at_oak("head-1", Role.HEADTEACHER), head_subject) is None


def test_staff_admins_and_other_schools_never_see_it():
    assert role_of(at_oak("teacher-1", Role.STAFF)) is None
    assert role_of(at_oak("admin-1", Role.ADMIN)) is None
    elm_head = Principal("head-1", frozenset({Role.HEADTEACHER}), "elm", "oak-trust")
    assert role_of(elm_head) is None


# --- the harm threshold ----------------------------------------------------------------------


@pytest.mark.parametrize("criterion", list(HarmCriterion))
def test_any_one_criterion_of_the_harm_threshold_makes_an_allegation(criterion):
    assert decision_for([criterion]) == "allegation"


def test_none_of_them_makes_a_low_level_concern():
    assert decision_for([]) == "low_level"


def test_a_decision_needs_its_reason():
    with pytest.raises(ValidationError) as refused:
        DecisionRequest(criteria_met=["harmed_child"], reason=" ")
    assert refused.value.errors()[0]["loc"] == ("reason",)
    with pytest.raises(ValidationError):
        DecisionRequest.model_validate({"criteria_met": ["harmed_child"]})


# --- the low-level pattern -------------------------------------------------------------------

START = datetime(2025, 9, 10, 10, 0, tzinfo=UTC)


def entries(*days: int) -> list[dict]:
    return [
        {"case_id": f"c{n}", "occurred_at": START + timedelta(days=day)}
        for n, day in enumerate(days, start=1)
    ]


def test_a_third_low_level_concern_within_twelve_months_makes_a_pattern():
    log = entries(0, 100, 364)
    pattern = new_pattern("oak/user:t1", log, [], "c3")
    assert pattern is not None and pattern.case_ids == ["c1", "c2", "c3"]
    assert new_pattern("oak/user:t1", log, [], "c3") == pattern  # the same id every time


def test_three_spread_over_more_than_twelve_months_make_none():
    assert new_pattern("k", entries(0, 200, 400), [], "c3") is None


def test_a_fourth_in_the_same_year_does_not_alert_again_but_three_more_do():
    log = entries(0, 10, 20)
    first = new_pattern("k", log, [], "c3")
    patterns = [{"case_ids": first.case_ids}]
    log = entries(0, 10, 20, 30)
    assert new_pattern("k", log, patterns, "c4") is None
    log = entries(0, 10, 20, 30, 40, 50)
    second = new_pattern("k", log, patterns, "c6")
    assert second is not None and second.case_ids == ["c4", "c5", "c6"]
    assert second.pattern_id != first.pattern_id


def test_a_late_report_of_an_earlier_concern_completes_the_pattern_of_its_time():
    log = entries(100, 200, 0)  # c3 happened first, reported last
    pattern = new_pattern("k", log, [], "c3")
    assert pattern is not None and pattern.case_ids == ["c3", "c1", "c2"]


def test_the_same_adult_is_known_by_sign_in_id_or_by_name_within_the_school():
    assert adult_key(subject("staff", user="t1")) == "user:t1"
    by_name = adult_key(subject("supply", name="Mr O'Brien-Smith"))
    assert by_name == adult_key(subject("supply", name="  mr   obriensmith "))
    assert by_name != adult_key(subject("supply", name="Mr O'Brien"))
    assert "brien" not in by_name  # the name itself never becomes an id
    assert normalised_name("Zoë  Ångström") == "zoe angstrom"


# --- retention by outcome ---------------------------------------------------------------


OUTCOME_DAY = date(2026, 3, 10)


@pytest.mark.parametrize("outcome", ["substantiated", "unsubstantiated", "false", "unfounded"])
def test_without_a_date_of_birth_a_case_is_kept_ten_years_and_says_so(outcome):
    kept = retention_for(AllegationOutcome(outcome), OUTCOME_DAY)
    assert kept.keep_until == date(2036, 3, 10)
    assert "no date of birth or pension date was recorded" in kept.basis


def test_a_young_adult_is_kept_until_normal_pension_age():
    kept = retention_for(
        AllegationOutcome.SUBSTANTIATED, OUTCOME_DAY, date_of_birth=date(1990, 5, 1)
    )
    assert kept.keep_until == date(2058, 5, 1)  # 68
    assert kept.basis.startswith("Until normal pension age")


def test_an_adult_near_pension_age_is_kept_ten_years():
    kept = retention_for(AllegationOutcome.FALSE, OUTCOME_DAY, date_of_birth=date(1962, 1, 1))
    assert kept.keep_until == date(2036, 3, 10)  # 67 in 2029: 10 years is longer


def test_a_recorded_pension_date_wins_over_the_date_of_birth():
    kept = retention_for(
        AllegationOutcome.UNSUBSTANTIATED,
        OUTCOME_DAY,
        date_of_birth=date(1990, 5, 1),
        pension_date=date(2050, 1, 1),
    )
    assert kept.keep_until == date(2050, 1, 1)


def test_state_pension_age_by_date_of_birth():
    assert state_pension_age(date(1960, 4, 5)) == 66
    assert state_pension_age(date(1960, 4, 6)) == 67
    assert state_pension_age(date(1977, 4, 6)) == 68


def test_a_malicious_allegation_is_due_for_removal_at_once():
    kept = retention_for(AllegationOutcome.MALICIOUS, OUTCOME_DAY)
    assert kept.keep_until is None
    closed = {"outcome": {"retention": kept.model_dump(mode="json")}}
    assert due_for_review(closed, OUTCOME_DAY)


def test_a_kept_case_comes_due_on_its_day_and_not_before():
    kept = retention_for(AllegationOutcome.SUBSTANTIATED, OUTCOME_DAY)
    closed = {"outcome": {"retention": kept.model_dump(mode="json")}}
    assert not due_for_review(closed, date(2036, 3, 9))
    assert due_for_review(closed, date(2036, 3, 10))
    assert not due_for_review({"outcome": None}, date(2099, 1, 1))


def test_an_outcome_not_in_the_list_is_refused_naming_it():
    with pytest.raises(ValidationError) as refused:
        OutcomeRequest(outcome="proven", reason="Because.")
    assert refused.value.errors()[0]["loc"] == ("outcome",)
