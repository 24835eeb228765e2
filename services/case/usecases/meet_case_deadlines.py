"""Steps on a child's case that meet a statutory deadline, as case hears of them from its
own events: the first triage decision on a concern meets dsl-triage, the FGM report meets
fgm-police-report, feedback from children's social care meets social-care-feedback.

The use case that records the step meets the deadline too (its answer says whether it was
in time); the event makes sure of it when that process stopped between the two writes, and
meets a deadline started after the step (meet_deadline remembers an early meeting)."""

from __future__ import annotations

from contracts import case_v1
from contracts.case_v1 import DeadlineRule
from contracts.envelope import Envelope
from services.case.ports import CasePorts
from services.case.usecases.meet_deadline import meet_deadline


async def triage_decided(ports: CasePorts, event: Envelope[case_v1.TriageDecided]) -> None:
    decided = event.payload
    if decided.supersedes is not None:
        return  # the first decision met it; a revision changes nothing on the clock
    await meet_deadline(
        ports,
        school_id=event.school_id,
        rule=DeadlineRule.DSL_TRIAGE,
        source_id=decided.concern_id,
        met_by=decided.decision_id,
        met_at=decided.decided_at,
    )


async def fgm_reported(ports: CasePorts, event: Envelope[case_v1.FgmReported]) -> None:
    report = event.payload
    await meet_deadline(
        ports,
        school_id=event.school_id,
        rule=DeadlineRule.FGM_POLICE_REPORT,
        source_id=report.concern_id,
        met_by=report.report_id,
        met_at=report.reported_at,
    )
    await ports.store.fgm_duty_reported(event.school_id, report.concern_id, report.reported_at)


async def feedback_received(ports: CasePorts, event: Envelope[case_v1.ReferralFeedback]) -> None:
    feedback = event.payload
    await meet_deadline(
        ports,
        school_id=event.school_id,
        rule=DeadlineRule.SOCIAL_CARE_FEEDBACK,
        source_id=feedback.referral_id,
        met_by=feedback.feedback_id,
        met_at=feedback.received_at,
    )
