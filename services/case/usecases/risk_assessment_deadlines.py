"""The clock of a risk assessment's reviews: a recorded assessment starts
risk-assessment-review for its review date; a review meets the deadline it was due by and
starts the next one, for the next review date (none when the assessment ends). Each
deadline's source is the step that set its date (the assessment, then each review), so a
review meets only the one it was due by; each start and meeting is idempotent."""

from __future__ import annotations

from contracts import case_v1
from contracts.case_v1 import DeadlineRule
from contracts.envelope import Envelope
from services.case.ports import CasePorts
from services.case.usecases.meet_deadline import meet_deadline
from services.case.usecases.start_deadline import ClockStart, start_deadline


async def assessment_recorded(
    ports: CasePorts, event: Envelope[case_v1.RiskAssessmentRecorded]
) -> None:
    recorded = event.payload
    start = ClockStart(
        DeadlineRule.RISK_ASSESSMENT_REVIEW,
        recorded.pupil_id,
        recorded.assessment_id,
        recorded.review_on,
    )
    await start_deadline(ports, event, start)


async def assessment_reviewed(
    ports: CasePorts, event: Envelope[case_v1.RiskAssessmentReviewed]
) -> None:
    review = event.payload
    await meet_deadline(
        ports,
        school_id=event.school_id,
        rule=DeadlineRule.RISK_ASSESSMENT_REVIEW,
        source_id=review.meets,
        met_by=review.review_id,
        met_at=review.reviewed_at,
    )
    if review.next_review_on is not None:
        start = ClockStart(
            DeadlineRule.RISK_ASSESSMENT_REVIEW,
            review.pupil_id,
            review.review_id,
            review.next_review_on,
        )
        await start_deadline(ports, event, start)
