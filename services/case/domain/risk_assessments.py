"""Risk and needs assessments for child-on-child sexual violence and harassment (Annex A):
the incident, the child's part, the risks, the measures in place, the victim's wishes, who
was consulted, and the date it is next reviewed. Each is kept on the child's case with its
reviews; each review date is a `risk-assessment-review` deadline (close of business on
that date, school time), met by the review, which sets the next date or ends the
assessment. Pure code."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from contracts import case_v1
from contracts.case_v1 import Measure
from contracts.child_vocabulary import Part
from contracts.envelope import Actor, Envelope
from services.case.domain.case_steps import case_event
from services.case.domain.triage import CLOCK_SKEW
from services.common.ids import Identifier

Consulted = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Field(min_length=1, max_length=10_000)
# A review date further off than this is not keeping an assessment under review.
LONGEST_REVIEW_GAP = timedelta(days=366)


class RiskAssessmentRequest(BaseModel):
    """The body of POST /v1/children/{pupil_id}/risk-assessments."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    incident: str = LongText
    concern_id: str | None = Field(default=None, min_length=1, max_length=64)
    part: Part
    other_pupil_ids: list[Identifier] = Field(default_factory=list, max_length=10)
    risks: str = LongText
    measures: list[Measure] = Field(min_length=1, max_length=30)
    victim_wishes: str | None = Field(default=None, min_length=1, max_length=10_000)
    consulted: list[Consulted] = Field(min_length=1, max_length=30)
    review_on: date


class RiskAssessmentReview(BaseModel):
    """The body of POST /v1/risk-assessments/{assessment_id}/reviews."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    summary: str = LongText
    reviewed_at: AwareDatetime | None = Field(default=None, description="default: now")
    measures: list[Measure] | None = Field(
        default=None, max_length=30, description="the measures from now on; absent: unchanged"
    )
    next_review_on: date | None = Field(
        default=None, description="absent: the assessment ends with this review"
    )


def assessment_problems(
    request: RiskAssessmentRequest, pupil_id: str, today: date
) -> list[tuple[str, str]]:
    problems = review_date_problems("review_on", request.review_on, today)
    if request.part is Part.VICTIM and request.victim_wishes is None:
        problems.append(("victim_wishes", "record the victim's wishes (Annex A)"))
    if pupil_id in request.other_pupil_ids:
        problems.append(("other_pupil_ids", "name the other children, not this one"))
    if len(set(request.other_pupil_ids)) != len(request.other_pupil_ids):
        problems.append(("other_pupil_ids", "a child is named twice"))
    return problems


def review_date_problems(field: str, review_on: date | None, today: date) -> list[tuple[str, str]]:
    if review_on is None:
        return []
    if review_on < today:
        return [(field, "the review date must be today or later")]
    if review_on > today + LONGEST_REVIEW_GAP:
        return [(field, "review it within a year")]
    return []


def review_problems(
    request: RiskAssessmentReview, now: datetime, today: date
) -> list[tuple[str, str]]:
    problems = review_date_problems("next_review_on", request.next_review_on, today)
    if request.reviewed_at is not None and request.reviewed_at > now + CLOCK_SKEW:
        problems.append(("reviewed_at", "a review records what has happened: this is the future"))
    return problems


def new_assessment(
    request: RiskAssessmentRequest,
    *,
    assessment_id: str,
    by: str,
    at: datetime,
    fingerprint: str,
) -> dict[str, Any]:
    return {
        "assessment_id": assessment_id,
        "incident": request.incident,
        "concern_id": request.concern_id,
        "part": request.part.value,
        "other_pupil_ids": list(request.other_pupil_ids),
        "risks": request.risks,
        "measures": [m.model_dump(mode="json") for m in request.measures],
        "victim_wishes": request.victim_wishes,
        "consulted": list(request.consulted),
        "review_on": request.review_on.isoformat(),
        # The step whose review date is due next: the assessment, then each review.
        "review_due_from": assessment_id,
        "status": "open",
        "recorded_by": by,
        "recorded_at": at,
        "reviews": [],
        "fingerprint": fingerprint,
    }


def review_refusal(assessment: Mapping[str, Any]) -> str | None:
    if assessment["status"] != "open":
        return "this risk assessment has ended: record a new one"
    return None


def reviewed(
    assessment: Mapping[str, Any],
    request: RiskAssessmentReview,
    *,
    review_id: str,
    by: str,
    now: datetime,
    fingerprint: str,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The assessment after the review, and the review as kept on it."""
    review = {
        "review_id": review_id,
        "meets": assessment["review_due_from"],
        "summary": request.summary,
        "measures": (
            [m.model_dump(mode="json") for m in request.measures]
            if request.measures is not None
            else None
        ),
        "next_review_on": request.next_review_on.isoformat() if request.next_review_on else None,
        "reviewed_at": request.reviewed_at or now,
        "recorded_by": by,
        "recorded_at": now,
        "fingerprint": fingerprint,
    }
    changed = {
        **assessment,
        "measures": review["measures"]
        if review["measures"] is not None
        else assessment["measures"],
        "review_on": review["next_review_on"],
        "review_due_from": review_id if request.next_review_on else None,
        "status": "open" if request.next_review_on else "ended",
        "reviews": [*assessment.get("reviews", []), review],
    }
    return changed, review


def earliest_review(assessments: Sequence[Mapping[str, Any]]) -> str | None:
    """The soonest review date among the open assessments (kept on the case, for the list
    of reviews due)."""
    dates = [a["review_on"] for a in assessments if a["status"] == "open" and a["review_on"]]
    return min(dates) if dates else None


def recorded_event(
    case: Mapping[str, Any], assessment: Mapping[str, Any], actor: Actor
) -> Envelope[BaseModel]:
    payload = case_v1.RiskAssessmentRecorded(
        pupil_id=case["pupil_id"],
        assessment_id=assessment["assessment_id"],
        incident=assessment["incident"],
        concern_id=assessment["concern_id"],
        part=assessment["part"],
        other_pupil_ids=assessment["other_pupil_ids"],
        risks=assessment["risks"],
        measures=assessment["measures"],
        victim_wishes=assessment["victim_wishes"],
        consulted=assessment["consulted"],
        review_on=date.fromisoformat(assessment["review_on"]),
        recorded_at=assessment["recorded_at"],
    )
    step, at = assessment["assessment_id"], assessment["recorded_at"]
    return case_event(
        case, case_v1.RISK_ASSESSMENT_RECORDED, payload, step=step, actor=actor, at=at
    )


def reviewed_event(
    case: Mapping[str, Any],
    assessment: Mapping[str, Any],
    review: Mapping[str, Any],
    actor: Actor,
) -> Envelope[BaseModel]:
    next_on = review["next_review_on"]
    payload = case_v1.RiskAssessmentReviewed(
        pupil_id=case["pupil_id"],
        assessment_id=assessment["assessment_id"],
        review_id=review["review_id"],
        meets=review["meets"],
        summary=review["summary"],
        measures=review["measures"],
        next_review_on=date.fromisoformat(next_on) if next_on else None,
        reviewed_at=review["reviewed_at"],
    )
    step, at = review["review_id"], review["recorded_at"]
    return case_event(
        case, case_v1.RISK_ASSESSMENT_REVIEWED, payload, step=step, actor=actor, at=at
    )
