"""The forms of what the DSL knows of a child, as pure code: what was typed becomes the
body case's API takes (or the errors to show), a stored context fills the form back, and
the service's 422 lands on the input it names."""

from starlette.datastructures import FormData

from contracts.child_context import ChildContext
from services.web import pattern_rules_form, risk_form
from services.web.concern_others import Other, add_other, others_body, others_from_form
from services.web.context_form import (
    body_from_values,
    errors_from_service,
    values_from_context,
)
from services.web.pages.child_links import link_body

STORED = {
    "social_worker": {
        "name": "Sam Okafor",
        "phone": None,
        "email": "sam@county.gov.uk",
        "local_authority": "Worcestershire",
    },
    "plan": {"kind": "child_protection", "category": "neglect", "start_date": "2026-01-12"},
    "looked_after": None,
    "previously_looked_after": {"left_care_by": "adoption"},
    "send": {"ehcp": True, "senco_informed_at": "2026-02-01T10:00:00Z", "needs": None},
    "private_fostering": None,
    "young_carer": True,
    "parental_responsibility": [
        {
            "name": "Jo Hart",
            "relationship": "Mother",
            "contact": {"phone": "07700 900123", "email": None, "address": "1 Hidden Lane"},
            "has_parental_responsibility": True,
        }
    ],
    "address": "1 Hidden Lane",
    "address_withheld": {"reason": "Refuge."},
}


def test_a_stored_context_fills_the_form_and_comes_back_the_same():
    values = values_from_context(STORED)
    assert (values["plan-start-day"], values["send-senco-time"]) == ("12", "10:00")
    body, errors = body_from_values(values)
    assert errors == {}
    again = ChildContext.model_validate(body).model_dump(mode="json")
    assert again == ChildContext.model_validate(STORED).model_dump(mode="json")


def test_an_empty_form_records_nothing_but_what_is_ticked():
    body, errors = body_from_values({})
    assert errors == {} and body == {"young_carer": False, "parental_responsibility": []}


def test_bad_dates_and_a_withheld_address_without_a_reason_are_named():
    _, errors = body_from_values(
        {
            "plan": "child_protection",
            "plan-start-day": "31",
            "plan-start-month": "2",
            "plan-start-year": "2026",
            "withheld": "yes",
        }
    )
    assert set(errors) == {"plan-start-day", "withheld-reason"}


def test_the_services_field_names_land_on_the_inputs():
    errors = errors_from_service(
        {
            "plan": "a child protection plan needs its category",
            "social_worker.email": "not a valid email",
            "parental_responsibility.0.contact.email": "not a valid email",
            "parental_responsibility.1.has_parental_responsibility": "required",
            "looked_after.virtual_school_head.name": "required",
            "nonsense": "?",
        }
    )
    assert errors == {
        "plan": "A child protection plan needs its category",
        "sw-email": "Not a valid email",
        "pr-0-email": "Not a valid email",
        "pr-1-has": "Required",
        "vsh-name": "Required",
        "form": "?",
    }


def test_a_risk_assessment_form_becomes_its_body():
    values = {
        "incident": "Pushed.",
        "part": "victim",
        "other_pupil_ids": ["P2"],
        "risks": "Corridors.",
        "measure-supervised_times": "Staff on the corridor.",
        "consulted": "The pupil\n\n Her mother \n",
        "review_on-day": "20",
        "review_on-month": "3",
        "review_on-year": "2026",
    }
    body, errors = risk_form.assessment_body(values)
    assert errors == {}
    assert body["measures"] == [{"kind": "supervised_times", "detail": "Staff on the corridor."}]
    assert (body["consulted"], body["review_on"]) == (["The pupil", "Her mother"], "2026-03-20")
    _, missing = risk_form.assessment_body({})
    assert set(missing) == {
        "incident",
        "risks",
        "part",
        "measure-separate_classes",
        "consulted",
        "review_on-day",
    }


def test_a_review_needs_a_next_date_unless_the_assessment_ends():
    _, errors = risk_form.review_body({"summary": "Fine."})
    assert set(errors) == {"next_review_on-day"}
    body, _ = risk_form.review_body({"summary": "Fine.", "ends": "yes"})
    assert body == {"summary": "Fine.", "measures": [], "next_review_on": None}
    assert risk_form.errors_from_service({"review_on": "in the past"}) == {
        "review_on-day": "In the past"
    }


def test_pattern_rules_round_trip_and_name_the_inputs():
    rules = {
        "repeated_concerns": {"enabled": True, "count": 3, "window_days": 30},
        "missing_education": {
            "enabled": True,
            "count": 3,
            "window_days": 60,
            "categories": ["missing_education"],
        },
        "police_notifications": {"enabled": False, "count": 2, "window_days": 90},
        "concern_after_closure": {"enabled": True, "window_days": 30},
    }
    body, errors = pattern_rules_form.body_from_values(pattern_rules_form.values_from_rules(rules))
    assert (body, errors) == (rules, {})
    bad = {**pattern_rules_form.values_from_rules(rules), "repeated_concerns-count": "three"}
    assert pattern_rules_form.body_from_values(bad)[1] == {
        "repeated_concerns-count": "Enter a whole number"
    }
    assert pattern_rules_form.errors_from_service(
        {"concern_after_closure.window_days": "should be greater than or equal to 1"}
    ) == {"concern_after_closure-window_days": "Should be greater than or equal to 1"}


def test_other_pupils_on_the_concern_form():
    form = FormData(
        [("other_pupil", "P2|Noah Hartley"), ("other_part", "witness"), ("other_pupil", "|")]
    )
    others = others_from_form(form)
    assert others == [Other("P2", "Noah Hartley", "witness")]
    assert add_other(others, "P2|Noah", "victim", "P1") == "This pupil is named already"
    assert add_other(others, "P1|Amelia", "victim", "P1").startswith("The concern is about")
    assert add_other(others, "P3|Zoe", "bystander", "P1") == "Select the other pupil's part"
    assert add_other(others, "P3|Zoe", "victim", "P1") is None
    assert others_body(others) == [
        {"pupil_id": "P2", "part": "witness"},
        {"pupil_id": "P3", "part": "victim"},
    ]


def test_a_link_needs_the_other_child_and_how_they_are_linked():
    assert link_body({})[1] == {
        "other": "Find the other child and choose them",
        "kind": "Select how the children are linked",
    }
    body, _ = link_body({"other": "P2|Noah Hartley", "kind": "sibling", "note": ""})
    assert body == {"other_pupil_id": "P2", "kind": "sibling", "note": None}
