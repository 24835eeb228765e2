"""A DSL reviews a risk assessment: what was found, the measures from now on, and the next
review date (none: the assessment ends). The review is kept on the assessment with
case.risk_assessment.reviewed.v1 in the same write, and meets the review date it was due
by (the risk-assessment-review deadline); case hears the event and starts the next one
(risk_assessment_deadlines.py), and meets this one too should this process stop first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from contracts.case_v1 import DeadlineRule
from services.case.domain import risk_assessments as assessments
from services.case.domain.case_steps import actor_of, find, fingerprint, replaced, step_id
from services.case.ports import CasePorts
from services.case.usecases.case_file import as_before, case_holding, existing_case
from services.case.usecases.meet_deadline import meet_deadline
from services.common.auth import Principal
from services.common.errors import Conflict, InvalidFields, NotFound


@dataclass(frozen=True)
class Reviewed:
    assessment: dict[str, Any]
    review: dict[str, Any]
    deadline: str  # "met", "breached" (late) or "pending" (its clock has not started yet)


async def review_risk_assessment(
    ports: CasePorts,
    principal: Principal,
    assessment_id: str,
    request: assessments.RiskAssessmentReview,
    idempotency_key: str | None = None,
) -> Reviewed:
    ref = await case_holding(ports, principal, "risk_assessment", assessment_id)
    now = ports.clock.now()
    if problems := assessments.review_problems(request, now, ports.clock.today()):
        raise InvalidFields(problems)
    review_id = step_id("rar", ref.school_id, principal.user_id, idempotency_key)
    signature = fingerprint(request, assessment_id)
    async with ports.writer.edit(ports.store.cases, ref.case_id) as edit:
        case = existing_case(edit)
        assessment = find(case.get("risk_assessments"), "assessment_id", assessment_id)
        if assessment is None:
            raise NotFound("risk_assessment")
        review = find(assessment.get("reviews"), "review_id", review_id)
        if not as_before(review, signature):
            if refusal := assessments.review_refusal(assessment):
                raise Conflict(refusal)
            assessment, review = assessments.reviewed(
                assessment,
                request,
                review_id=review_id,
                by=principal.user_id,
                now=now,
                fingerprint=signature,
            )
            all_of = replaced(case["risk_assessments"], "assessment_id", assessment)
            edit.set(
                {
                    "risk_assessments": all_of,
                    "assessment_review_on": assessments.earliest_review(all_of),
                    "last_activity_at": now,
                }
            )
            edit.emit(assessments.reviewed_event(case, assessment, review, actor_of(principal)))
    assert review is not None
    outcomes = await meet_deadline(
        ports,
        school_id=ref.school_id,
        rule=DeadlineRule.RISK_ASSESSMENT_REVIEW,
        source_id=review["meets"],
        met_by=review["review_id"],
        met_at=review["reviewed_at"],
    )
    return Reviewed(assessment, review, outcomes[0] if outcomes else "pending")
