"""Annex A risk assessments, as use cases: recording one starts risk-assessment-review at
close of business on its review date; a review meets that deadline and starts the next;
a review without a next date ends the assessment; the reviews due list case reviews and
assessment reviews together; bad input is refused naming the field, with nothing stored."""

from datetime import date, timedelta

import pytest

from contracts.case_v1 import RISK_ASSESSMENT_RECORDED, RISK_ASSESSMENT_REVIEWED
from contracts.registry import decode
from contracts.vocabulary import Role
from services.case.domain.cases import ReviewRequest
from services.case.domain.risk_assessments import RiskAssessmentRequest, RiskAssessmentReview
from services.case.usecases.case_status import set_review
from services.case.usecases.involve_named_children import concern_named_children
from services.case.usecases.list_reviews_due import reviews_due
from services.case.usecases.record_risk_assessment import record_risk_assessment
from services.case.usecases.review_risk_assessment import review_risk_assessment
from services.case.usecases.risk_assessment_deadlines import (
    assessment_recorded,
    assessment_reviewed,
)
from services.case.usecases.start_deadline import concern_raised
from services.common.errors import Conflict, InvalidFields, NotFound
from tests.support import case_world
from tests.support.case_world import DSL, ELM, HEAD, STAFF, TRUST_LEAD, on_roll, person
from tests.support.memory import outbox_of

RULE = "risk-assessment-review"


async def _world():
    ports, _ = await case_world.memory_case()
    for pupil in ("P1", "P2"):
        await on_roll(ports, pupil)
    concern = case_world.concern_raised(
        ports.clock.now(),
        categories=["sexual_harassment"],
        other_pupils_involved=[{"pupil_id": "P2", "part": "alleged_perpetrator"}],
    )
    await concern_raised(ports, concern)
    await concern_named_children(ports, concern)
    return ports, concern.payload.concern_id


def _request(ports, concern_id: str | None = None, **fields) -> RiskAssessmentRequest:
    body = {
        "incident": "Unwanted touching in the lunch queue, reported by the victim.",
        "concern_id": concern_id,
        "part": "victim",
        "other_pupil_ids": ["P2"],
        "risks": "Contact at lunch and on the school bus.",
        "measures": [
            {"kind": "separate_classes", "detail": "Different maths set from Monday."},
            {"kind": "transport", "detail": "Parent drives her for two weeks."},
        ],
        "victim_wishes": "Does not want him moved in front of everyone.",
        "consulted": ["The victim", "Her mother", "Police Safer Schools officer"],
        "review_on": (ports.clock.today() + timedelta(days=14)).isoformat(),
        **fields,
    }
    return RiskAssessmentRequest.model_validate(body)


async def _last_event(ports, event_type: str):
    case = await ports.store.cases.find_one({"_id": "oak/P1"})
    [body] = [e["body"] for e in case["outbox"] if e["event_type"] == event_type][-1:]
    return decode(body.encode())


async def _review_deadlines(ports) -> list[dict]:
    return await ports.store.deadlines.find({"rule": RULE}).sort("created_at").to_list()


async def test_an_assessment_starts_its_review_deadline_and_a_review_meets_it_and_sets_the_next():
    ports, concern_id = await _world()
    assessment = await record_risk_assessment(ports, DSL, "P1", _request(ports, concern_id), "k1")
    await assessment_recorded(ports, await _last_event(ports, RISK_ASSESSMENT_RECORDED))
    [first] = await _review_deadlines(ports)
    review_on = ports.clock.today() + timedelta(days=14)
    assert (first["source_id"], first["trigger"]) == (assessment["assessment_id"], str(review_on))
    assert first["due_at"].isoformat() == f"{review_on}T17:00:00+00:00"  # close of business

    ports.clock.advance(days=13)
    next_on = (ports.clock.today() + timedelta(days=28)).isoformat()
    review = RiskAssessmentReview.model_validate(
        {
            "summary": "No contact since; she feels safer. Bus arrangement can stop.",
            "measures": [{"kind": "separate_classes", "detail": "Keep the sets apart."}],
            "next_review_on": next_on,
        }
    )
    done = await review_risk_assessment(ports, DSL, assessment["assessment_id"], review, "k2")
    await assessment_reviewed(ports, await _last_event(ports, RISK_ASSESSMENT_REVIEWED))
    await assessment_reviewed(ports, await _last_event(ports, RISK_ASSESSMENT_REVIEWED))

    assert done.deadline == "met"
    assert done.assessment["measures"] == [
        {"kind": "separate_classes", "detail": "Keep the sets apart."}
    ]
    met, following = await _review_deadlines(ports)
    assert (met["status"], met["met_by"]) == ("met", done.review["review_id"])
    assert (following["status"], following["trigger"]) == ("open", next_on)
    assert following["source_id"] == done.review["review_id"]
    assert (await outbox_of(ports.store.cases, "oak/P1"))[-2:] == [
        RISK_ASSESSMENT_RECORDED,
        RISK_ASSESSMENT_REVIEWED,
    ]


async def test_a_review_without_a_next_date_ends_the_assessment():
    ports, concern_id = await _world()
    assessment = await record_risk_assessment(ports, DSL, "P1", _request(ports, concern_id))
    final = RiskAssessmentReview(summary="He has left the school; no contact possible.")
    done = await review_risk_assessment(ports, DSL, assessment["assessment_id"], final)
    assert (done.assessment["status"], done.assessment["review_on"]) == ("ended", None)
    assert done.deadline == "pending"  # case had not heard of the assessment yet: kept for it
    with pytest.raises(Conflict):
        await review_risk_assessment(ports, DSL, assessment["assessment_id"], final)
    case = await ports.store.case("oak", "P1")
    assert case["assessment_review_on"] is None


async def test_a_late_review_is_met_late_and_the_breach_stands():
    ports, concern_id = await _world()
    assessment = await record_risk_assessment(ports, DSL, "P1", _request(ports, concern_id))
    await assessment_recorded(ports, await _last_event(ports, RISK_ASSESSMENT_RECORDED))
    [deadline] = await _review_deadlines(ports)
    await ports.store.deadlines.update_one(
        {"_id": deadline["_id"]}, {"$set": {"status": "breached"}}
    )
    ports.clock.advance(days=20)
    done = await review_risk_assessment(
        ports, DSL, assessment["assessment_id"], RiskAssessmentReview(summary="Reviewed late.")
    )
    assert done.deadline == "breached"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"review_on": "2026-03-09"}, "review_on"),
        ({"review_on": "2027-06-01"}, "review_on"),
        ({"victim_wishes": None}, "victim_wishes"),
        ({"other_pupil_ids": ["P1"]}, "other_pupil_ids"),
        ({"other_pupil_ids": ["nobody"]}, "other_pupil_ids.0"),
        ({"concern_id": "someone-elses"}, "concern_id"),
    ],
)
async def test_bad_assessments_are_refused_naming_the_field_and_store_nothing(fields, field):
    ports, _ = await _world()
    with pytest.raises(InvalidFields) as refused:
        await record_risk_assessment(ports, DSL, "P1", _request(ports, **fields))
    assert field in [f for f, _ in refused.value.problems]
    assert (await ports.store.case("oak", "P1")).get("risk_assessments", []) == []


async def test_the_alleged_perpetrator_is_assessed_from_the_concern_that_named_him():
    ports, concern_id = await _world()
    request = _request(ports, concern_id, part="alleged_perpetrator", victim_wishes=None)
    request = request.model_copy(update={"other_pupil_ids": ["P1"]})
    assessment = await record_risk_assessment(ports, DSL, "P2", request)
    assert assessment["part"] == "alleged_perpetrator"


async def test_only_the_schools_dsls_record_and_review():
    ports, concern_id = await _world()
    for who in (STAFF, HEAD, TRUST_LEAD, person("dsl-9", Role.DSL, ELM)):
        with pytest.raises(NotFound):
            await record_risk_assessment(ports, who, "P1", _request(ports, concern_id))
    assessment = await record_risk_assessment(ports, DSL, "P1", _request(ports, concern_id))
    with pytest.raises(NotFound):
        await review_risk_assessment(
            ports, HEAD, assessment["assessment_id"], RiskAssessmentReview(summary="No.")
        )


async def test_reviews_due_lists_case_and_assessment_reviews_soonest_first():
    ports, concern_id = await _world()
    today = ports.clock.today()
    await record_risk_assessment(
        ports, DSL, "P1", _request(ports, concern_id, review_on=str(today + timedelta(days=3)))
    )
    await set_review(
        ports, DSL, "P1", ReviewRequest(review_on=today + timedelta(days=1), reason="After CIN.")
    )
    far = _request(ports, concern_id, review_on=str(today + timedelta(days=60)))
    await record_risk_assessment(ports, DSL, "P1", far)

    due = await reviews_due(ports, HEAD, today + timedelta(days=7))
    assert [(r.kind, r.due_on) for r in due] == [
        ("case_review", str(today + timedelta(days=1))),
        ("risk_assessment_review", str(today + timedelta(days=3))),
    ]
    assert due[0].child["forename"] == "Amelia" and due[1].detail["part"] == "victim"
    ports.clock.advance(days=2)
    overdue, *later = await reviews_due(ports, TRUST_LEAD, date(2026, 12, 31), "oak")
    assert overdue.overdue is True and [r.overdue for r in later] == [False, False]
    with pytest.raises(NotFound):
        await reviews_due(ports, STAFF, today)
