"""Referrals to other agencies, the feedback that comes back and the escalations when it
does not. A referral to children's social care starts the social-care-feedback deadline;
its feedback meets it; when it is breached the DSL is alerted to chase, and challenging the
response under the local resolution procedure is recorded as an escalation ("a lack of
challenge" is named as poor practice)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from contracts import case_v1
from contracts.case_vocabulary import Agency, FeedbackOutcome, ParentsInformed, ReferralMethod
from contracts.envelope import Actor, Envelope
from services.case.domain.case_steps import case_event
from services.case.domain.triage import CLOCK_SKEW

# Feedback, and the deadline for it, is asked of children's social care.
FEEDBACK_AGENCIES = frozenset({Agency.CHILDRENS_SOCIAL_CARE})


class ReferralRequest(BaseModel):
    """The body of POST /v1/children/{pupil_id}/referrals."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    agency: Agency
    made_at: AwareDatetime
    method: ReferralMethod
    reference: str | None = Field(default=None, max_length=200)
    contact: str | None = Field(default=None, max_length=500, description="who took it")
    parents_informed: ParentsInformed
    concern_ids: list[str] = Field(default_factory=list, max_length=50)


class FeedbackRequest(BaseModel):
    """The body of POST /v1/referrals/{referral_id}/feedback."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    received_at: AwareDatetime
    outcome: FeedbackOutcome
    details: str | None = Field(default=None, max_length=10_000)


class EscalationRequest(BaseModel):
    """The body of POST /v1/referrals/{referral_id}/escalations: when, to whom, outcome."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    escalated_at: AwareDatetime
    escalated_to: str = Field(min_length=1, max_length=500)
    reason: str | None = Field(default=None, max_length=10_000)
    outcome: str | None = Field(default=None, max_length=10_000)


def referral_problems(
    request: ReferralRequest, case: Mapping[str, Any] | None, now: datetime
) -> list[tuple[str, str]]:
    problems = []
    if request.made_at > now + CLOCK_SKEW:
        problems.append(("made_at", "a referral cannot be made in the future"))
    told = request.parents_informed
    if told.at is not None and told.at > now + CLOCK_SKEW:
        problems.append(("parents_informed.at", "the parents cannot have been told in the future"))
    known = set((case or {}).get("sources", []))
    if any(concern_id not in known for concern_id in request.concern_ids):
        problems.append(("concern_ids", "name only concerns on this child's case"))
    return problems


def new_referral(
    request: ReferralRequest, *, referral_id: str, by: str, at: datetime, fingerprint: str
) -> dict[str, Any]:
    return {
        "referral_id": referral_id,
        "agency": request.agency.value,
        "made_at": request.made_at,
        "method": request.method.value,
        "reference": request.reference,
        "contact": request.contact,
        "parents_informed": request.parents_informed.model_dump(mode="python"),
        "concern_ids": list(dict.fromkeys(request.concern_ids)),
        "made_by": by,
        "recorded_at": at,
        "feedback": [],
        "escalations": [],
        "fingerprint": fingerprint,
    }


def made_event(
    case: Mapping[str, Any], referral: Mapping[str, Any], actor: Actor
) -> Envelope[BaseModel]:
    payload = case_v1.ReferralMade(
        pupil_id=case["pupil_id"],
        referral_id=referral["referral_id"],
        agency=referral["agency"],
        made_at=referral["made_at"],
        method=referral["method"],
        reference=referral["reference"],
        contact=referral["contact"],
        parents_informed=ParentsInformed.model_validate(referral["parents_informed"]),
        concern_ids=referral["concern_ids"],
        recorded_at=referral["recorded_at"],
    )
    step = referral["referral_id"]
    return case_event(
        case, case_v1.REFERRAL_MADE, payload, step=step, actor=actor, at=referral["recorded_at"]
    )


def feedback_problems(
    referral: Mapping[str, Any], request: FeedbackRequest, now: datetime
) -> list[tuple[str, str]]:
    if referral["agency"] not in FEEDBACK_AGENCIES:
        return [("referral_id", "feedback is recorded for referrals to children's social care")]
    if request.received_at > now + CLOCK_SKEW:
        return [("received_at", "feedback cannot be received in the future")]
    if request.received_at < referral["made_at"]:
        return [("received_at", "feedback cannot come before the referral was made")]
    return []


def new_feedback(
    request: FeedbackRequest, *, feedback_id: str, by: str, at: datetime, fingerprint: str
) -> dict[str, Any]:
    return {
        "feedback_id": feedback_id,
        "received_at": request.received_at,
        "outcome": request.outcome.value,
        "details": request.details,
        "recorded_by": by,
        "recorded_at": at,
        "fingerprint": fingerprint,
    }


def feedback_event(
    case: Mapping[str, Any],
    referral: Mapping[str, Any],
    feedback: Mapping[str, Any],
    actor: Actor,
) -> Envelope[BaseModel]:
    payload = case_v1.ReferralFeedback(
        pupil_id=case["pupil_id"],
        referral_id=referral["referral_id"],
        feedback_id=feedback["feedback_id"],
        agency=referral["agency"],
        received_at=feedback["received_at"],
        outcome=feedback["outcome"],
        details=feedback["details"],
    )
    return case_event(
        case,
        case_v1.REFERRAL_FEEDBACK,
        payload,
        step=feedback["feedback_id"],
        actor=actor,
        at=feedback["recorded_at"],
        correlation_id=referral["referral_id"],
    )


def escalation_problem(
    referral: Mapping[str, Any], request: EscalationRequest, now: datetime
) -> tuple[str, str] | None:
    if request.escalated_at > now + CLOCK_SKEW:
        return "escalated_at", "an escalation cannot be made in the future"
    if request.escalated_at < referral["made_at"]:
        return "escalated_at", "an escalation cannot come before the referral was made"
    return None


def new_escalation(
    request: EscalationRequest, *, escalation_id: str, by: str, at: datetime, fingerprint: str
) -> dict[str, Any]:
    return {
        "escalation_id": escalation_id,
        "escalated_at": request.escalated_at,
        "escalated_to": request.escalated_to,
        "reason": request.reason,
        "outcome": request.outcome,
        "recorded_by": by,
        "recorded_at": at,
        "fingerprint": fingerprint,
    }


def escalated_event(
    case: Mapping[str, Any],
    referral: Mapping[str, Any],
    escalation: Mapping[str, Any],
    actor: Actor,
) -> Envelope[BaseModel]:
    payload = case_v1.ReferralEscalated(
        pupil_id=case["pupil_id"],
        referral_id=referral["referral_id"],
        escalation_id=escalation["escalation_id"],
        agency=referral["agency"],
        escalated_at=escalation["escalated_at"],
        escalated_to=escalation["escalated_to"],
        reason=escalation["reason"],
        outcome=escalation["outcome"],
    )
    return case_event(
        case,
        case_v1.REFERRAL_ESCALATED,
        payload,
        step=escalation["escalation_id"],
        actor=actor,
        at=escalation["recorded_at"],
        correlation_id=referral["referral_id"],
    )
