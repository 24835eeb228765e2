"""Referrals and FGM reports: a referral to children's social care starts
social-care-feedback, its feedback meets it (feedback on a police referral is refused,
naming the field), escalations are kept on the referral; FGM discovered starts
fgm-police-report owned by the teacher, whose report (or a DSL's on their behalf) meets it."""

from datetime import timedelta

import pytest

from contracts.case_v1 import FGM_REPORTED, REFERRAL_ESCALATED, REFERRAL_FEEDBACK, REFERRAL_MADE
from contracts.registry import decode
from contracts.vocabulary import Role
from services.case.domain.fgm import FgmReportRequest
from services.case.domain.referrals import EscalationRequest, FeedbackRequest, ReferralRequest
from services.case.usecases.make_referral import make_referral
from services.case.usecases.referral_responses import record_escalation, record_feedback
from services.case.usecases.report_fgm import fgm_duties, report_fgm
from services.case.usecases.start_deadline import concern_raised, referral_made
from services.common.errors import Conflict, Invalid, InvalidFields, NotFound
from tests.support import case_world
from tests.support.case_world import DSL, STAFF, deadline_of, on_roll, person
from tests.support.memory import outbox_of


async def _with_concern(**options):
    ports, _ = await case_world.memory_case()
    await on_roll(ports)
    concern = case_world.concern_raised(ports.clock.now(), **options)
    await concern_raised(ports, concern)
    return ports, concern.payload.concern_id


def _referral(ports, concern_id: str, agency: str = "childrens_social_care") -> ReferralRequest:
    return ReferralRequest(
        agency=agency,
        made_at=ports.clock.now(),
        method="phone",
        reference="MASH-123",
        contact="Duty social worker",
        parents_informed={"informed": False, "reason": "Would alert the alleged abuser."},
        concern_ids=[concern_id],
    )


async def _made_event(ports):
    """What the relay would publish: case.referral.made.v1, as case's consumer gets it."""
    case = await ports.store.cases.find_one({"_id": "oak/P1"})
    entry = next(e for e in case["outbox"] if e["event_type"] == REFERRAL_MADE)
    return decode(entry["body"].encode())


async def test_a_social_care_referral_starts_the_feedback_clock_and_feedback_meets_it():
    ports, concern_id = await _with_concern()
    referral = await make_referral(ports, DSL, "P1", _referral(ports, concern_id))
    await referral_made(ports, await _made_event(ports))

    deadline = await deadline_of(ports, referral["referral_id"])
    assert (deadline["rule"], deadline["status"]) == ("social-care-feedback", "open")
    ports.clock.advance(hours=3)
    feedback, outcome = await record_feedback(
        ports,
        DSL,
        referral["referral_id"],
        FeedbackRequest(received_at=ports.clock.now(), outcome="child_in_need_assessment"),
    )
    assert outcome == "met"
    assert (await deadline_of(ports, referral["referral_id"]))["met_by"] == feedback["feedback_id"]
    assert await outbox_of(ports.store.cases, "oak/P1") == [REFERRAL_MADE, REFERRAL_FEEDBACK]


async def test_a_referral_to_another_agency_starts_no_clock_and_takes_no_feedback():
    ports, concern_id = await _with_concern()
    referral = await make_referral(ports, DSL, "P1", _referral(ports, concern_id, "police"))
    await referral_made(ports, await _made_event(ports))

    assert await ports.store.deadlines.count_documents({"rule": "social-care-feedback"}) == 0
    with pytest.raises(InvalidFields) as refused:
        await record_feedback(
            ports,
            DSL,
            referral["referral_id"],
            FeedbackRequest(received_at=ports.clock.now(), outcome="no_further_action"),
        )
    assert refused.value.field == "referral_id"
    assert await outbox_of(ports.store.cases, "oak/P1") == [REFERRAL_MADE]


async def test_a_referral_about_a_concern_not_on_the_case_is_refused_whole():
    ports, _ = await _with_concern()
    with pytest.raises(InvalidFields) as refused:
        await make_referral(ports, DSL, "P1", _referral(ports, "someone-elses-concern"))
    assert refused.value.field == "concern_ids"
    assert (await ports.store.case("oak", "P1")).get("referrals", []) == []


async def test_an_escalation_is_kept_on_its_referral():
    ports, concern_id = await _with_concern()
    referral = await make_referral(ports, DSL, "P1", _referral(ports, concern_id))
    ports.clock.advance(days=2)
    escalation = EscalationRequest(
        escalated_at=ports.clock.now(),
        escalated_to="Team manager, MASH",
        reason="No decision after two working days.",
        outcome="Strategy discussion booked for tomorrow.",
    )
    stored = await record_escalation(ports, DSL, referral["referral_id"], escalation)

    [kept] = (await ports.store.case("oak", "P1"))["referrals"]
    assert kept["escalations"][0]["escalation_id"] == stored["escalation_id"]
    assert await outbox_of(ports.store.cases, "oak/P1") == [REFERRAL_MADE, REFERRAL_ESCALATED]
    with pytest.raises(NotFound):
        await record_escalation(ports, STAFF, referral["referral_id"], escalation)


async def test_fgm_starts_the_teachers_duty_and_their_report_meets_it():
    ports, concern_id = await _with_concern(fgm_discovered=True)
    found = await ports.store.deadlines.find({"source_id": concern_id}).to_list()
    rules = {d["rule"]: d.get("owner_user_id") for d in found}
    assert rules == {"dsl-triage": None, "fgm-police-report": "teacher-1"}
    assert [d["concern_id"] for d in await fgm_duties(ports, STAFF)] == [concern_id]

    request = FgmReportRequest(reported_at=ports.clock.now(), police_reference="WM/123/26")
    report, outcome = await report_fgm(ports, STAFF, concern_id, request)

    assert (outcome, report["on_behalf"]) == ("met", False)
    fgm_deadline = next(d for d in found if d["rule"] == "fgm-police-report")
    assert (await ports.store.deadlines.find_one({"_id": fgm_deadline["_id"]}))["met_by"] == (
        report["report_id"]
    )
    assert await outbox_of(ports.store.cases, "oak/P1") == [FGM_REPORTED]
    with pytest.raises(Conflict):
        await report_fgm(
            ports, DSL, concern_id, request.model_copy(update={"police_reference": "X"})
        )


async def test_a_dsl_reports_fgm_on_the_teachers_behalf_another_teacher_may_not():
    ports, concern_id = await _with_concern(fgm_discovered=True)
    request = FgmReportRequest(reported_at=ports.clock.now(), police_reference="WM/123/26")
    with pytest.raises(NotFound):
        await report_fgm(ports, person("teacher-2", Role.STAFF), concern_id, request)
    with pytest.raises(Invalid):
        await report_fgm(
            ports,
            DSL,
            concern_id,
            request.model_copy(update={"reported_at": ports.clock.now() + timedelta(days=1)}),
        )

    report, _ = await report_fgm(ports, DSL, concern_id, request)
    assert (report["on_behalf"], report["recorded_by"]) == (True, "dsl-1")
    assert await fgm_duties(ports, person("teacher-2", Role.STAFF)) == []
