"""The case forms in the browser: what a DSL types becomes the body case's API takes, with
every problem named on its input; the parents' answer needs a time or a reason; a moment
that must have passed cannot be in the future; the service's 422 lands on the right input;
a retried form keeps its Idempotency-Key."""

from datetime import datetime

from starlette.datastructures import FormData

from services.web.case_form_input import Filled, errors_from_service
from services.web.case_forms import FORMS, LONDON

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=LONDON)


def posted(form: str, **values: str | list[str]) -> Filled:
    items: list[tuple[str, str]] = []
    for name, value in values.items():
        for one in value if isinstance(value, list) else [value]:
            items.append((name.replace("__", "-"), one))
    return Filled.from_form(FORMS[form], FormData(items))


def test_a_triage_decision_with_the_parents_not_told():
    filled = posted(
        "triage",
        decision="early_help",
        reason="Family asked for help.",
        parents_informed="no",
        parents_informed__reason="Father is the alleged abuser.",
        child_views="Wants help at home.",
    )
    body, errors = filled.body(NOW)
    assert errors == {}
    assert body == {
        "decision": "early_help",
        "reason": "Family asked for help.",
        "parents_informed": {"informed": False, "reason": "Father is the alleged abuser."},
        "child_views": "Wants help at home.",
    }


def test_an_empty_triage_names_each_missing_answer_in_page_order():
    body, errors = posted("triage", parents_informed="no").body(NOW)
    assert body is None
    assert list(errors) == ["decision", "reason", "parents_informed"]
    assert errors["parents_informed"] == "Say why the parents were not told"


def test_parents_told_need_when_and_not_in_the_future():
    told = posted(
        "triage",
        decision="monitor_in_school",
        reason="Known.",
        parents_informed="yes",
        parents_informed__at__day="10",
        parents_informed__at__month="3",
        parents_informed__at__year="2026",
        parents_informed__at__time="08:15",
    )
    body, _ = told.body(NOW)
    assert body["parents_informed"] == {"informed": True, "at": "2026-03-10T08:15:00+00:00"}
    told.values["parents_informed-at-time"] = "11:00"
    _, errors = told.body(NOW)
    assert errors == {"parents_informed": "When were they told? Enter a time that has passed"}


def test_an_action_needs_a_real_due_date():
    body, errors = posted(
        "action",
        title="Visit",
        owner_user_id="dsl-1",
        due_on__day="31",
        due_on__month="2",
        due_on__year="2026",
    ).body(NOW)
    assert errors == {"due_on-day": "Enter a real date, for example 27 3 2026"}
    body, errors = posted(
        "action",
        title="Visit",
        owner_user_id="dsl-1",
        due_on__day="12",
        due_on__month="3",
        due_on__year="2026",
    ).body(NOW)
    assert body == {"title": "Visit", "owner_user_id": "dsl-1", "due_on": "2026-03-12"}


def test_a_note_lists_its_participants_one_per_line():
    body, errors = posted(
        "note",
        kind="meeting",
        occurred_at__day="9",
        occurred_at__month="3",
        occurred_at__year="2026",
        occurred_at__time="15:30",
        participants="Social worker\n\n  DSL  \n",
        summary="Plan agreed.",
    ).body(NOW)
    assert errors == {}
    assert body["participants"] == ["Social worker", "DSL"]
    assert body["occurred_at"] == "2026-03-09T15:30:00+00:00"


def test_a_referral_names_the_concerns_ticked():
    body, errors = posted(
        "referral",
        agency="childrens_social_care",
        made_at__day="10",
        made_at__month="3",
        made_at__year="2026",
        made_at__time="09:00",
        method="phone",
        parents_informed="no",
        parents_informed__reason="Risk.",
        concern_ids=["c-1", "c-2", "c-1"],
    ).body(NOW)
    assert errors == {}
    assert body["concern_ids"] == ["c-1", "c-2"]
    assert "reference" not in body  # optional, left empty


def test_the_services_422_lands_on_the_input_it_names():
    errors = errors_from_service(
        FORMS["referral"],
        {"made_at": "a referral cannot be made in the future", "parents_informed.reason": "x"},
    )
    assert errors == {
        "made_at-day": "A referral cannot be made in the future",
        "parents_informed-reason": "X",
    }
    assert errors_from_service(FORMS["feedback"], {"referral_id": "only social care"}) == {
        "form": "Only social care"
    }


def test_a_retried_form_keeps_its_idempotency_key():
    first = Filled.blank(FORMS["note"])
    again = Filled.from_form(
        FORMS["note"], FormData([("idempotency_key", first.idempotency_key), ("summary", "x")])
    )
    assert again.idempotency_key == first.idempotency_key
    forged = Filled.from_form(FORMS["note"], FormData([("idempotency_key", "not-a-uuid")]))
    assert forged.idempotency_key != "not-a-uuid"
