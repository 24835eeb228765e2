"""The forms of concerns about adults in the browser: the report a member of staff sends
(the adult, who they are, when, what happened, the children involved, whistleblowing),
every problem named on its input, the service's 422 on the right one; and the case
manager's forms: no criterion ticked is a low-level decision, the optional dates may stay
empty, the named DSLs are one per line."""

from datetime import datetime

from starlette.datastructures import FormData

from services.web.adult_concern_form import AdultConcernDraft, errors_from_service
from services.web.allegation_forms import ADULT_FORMS
from services.web.case_form_input import Filled
from services.web.case_forms import LONDON

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=LONDON)


def report(**values: str | list[str]) -> AdultConcernDraft:
    fields = {
        "subject_name": "Sam Teach",
        "subject_role": "supply",
        "occurred_day": "9",
        "occurred_month": "3",
        "occurred_year": "2026",
        "occurred_time": "15:30",
        "description": "Grabbed a pupil's arm.",
        "child": ["P1|Amelia Hart, born 12 April 2016", "P2|Noah Hartley"],
    } | values
    items = [
        (name, one)
        for name, value in fields.items()
        for one in (value if isinstance(value, list) else [value])
    ]
    return AdultConcernDraft.from_form(FormData(items))


def test_a_report_becomes_the_body_intake_takes():
    body, errors = report(whistleblowing="yes").check()
    assert errors == {}
    assert body == {
        "subject": {"name": "Sam Teach", "role": "supply", "staff_user_id": None},
        "occurred_at": "2026-03-09T15:30:00+00:00",
        "description": "Grabbed a pupil's arm.",
        "children_involved": ["P1", "P2"],
        "whistleblowing": True,
    }


def test_every_problem_is_named_on_its_input():
    draft = report(subject_name="", subject_role="caretaker", description="", occurred_day="")
    body, errors = draft.check()
    assert body is None
    assert list(errors) == ["subject_name", "subject_role", "occurred_day", "description"]
    _, errors = report(staff_user_id="not an id!").check()
    assert list(errors) == ["staff_user_id"]


def test_the_services_422_lands_on_the_right_input():
    errors = errors_from_service(
        {"subject.role": "Input should be 'staff', …", "children_involved.1": "no pupil"}
    )
    assert errors == {"subject_role": "Input should be 'staff', …", "pupil_name": "no pupil"}


def test_a_child_chosen_twice_is_named_once():
    draft = report(child=["P1|Amelia", "P1|Amelia"])
    assert [c.pupil_id for c in draft.children] == ["P1"]


def filled(form: str, **values: str | list[str]) -> Filled:
    items = [
        (name.replace("__", "-"), one)
        for name, value in values.items()
        for one in (value if isinstance(value, list) else [value])
    ]
    return Filled.from_form(ADULT_FORMS[form], FormData(items))


def test_no_criterion_ticked_is_a_low_level_decision_with_its_reason():
    body, errors = filled("decision", reason="Over-familiar messages.").body(NOW)
    assert (body, errors) == ({"criteria_met": [], "reason": "Over-familiar messages."}, {})
    body, errors = filled("decision", criteria_met=["harmed_child", "unsuitable"]).body(NOW)
    assert body is None and list(errors) == ["reason"]


def test_the_outcome_takes_its_dates_only_when_given():
    body, errors = filled("outcome", outcome="false", reason="Disproved.").body(NOW)
    assert errors == {}
    assert body == {"outcome": "false", "reason": "Disproved."}
    body, _ = filled(
        "outcome",
        outcome="substantiated",
        reason="Proved.",
        subject_date_of_birth__day="1",
        subject_date_of_birth__month="5",
        subject_date_of_birth__year="1990",
    ).body(NOW)
    assert body["subject_date_of_birth"] == "1990-05-01"
    _, errors = filled("outcome", outcome="false", reason="r", normal_pension_date__day="31").body(
        NOW
    )
    assert list(errors) == ["normal_pension_date-day"]


def test_named_dsls_are_one_per_line():
    body, errors = filled("dsls", user_ids="dsl-2\n\n dsl-3 ").body(NOW)
    assert (body, errors) == ({"user_ids": ["dsl-2", "dsl-3"]}, {})
