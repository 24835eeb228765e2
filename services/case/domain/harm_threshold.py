"""The case manager's first decision on a concern about an adult: does it meet the harm
threshold (KCSIE Part 4, section 1)? Any one of the four criteria makes it an allegation
(the LADO must be told within a working day: lado-referral); none makes it a low-level
concern (the low-level concerns log). The reason is required either way. Pure.

A low-level concern may be decided again as an allegation (it, or a pattern of them,
turns out to meet the threshold); an allegation is never decided down to low-level: its
outcome says how it ended."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from contracts import case_v1
from contracts.adult_cases import AdultCaseDecided, AdultDecision, HarmCriterion
from contracts.envelope import Actor, Envelope
from services.case.domain.adult_cases import (
    ALLEGATION,
    AWAITING_DECISION,
    LOW_LEVEL,
    adult_event,
)


class DecisionRequest(BaseModel):
    """The body of POST /v1/adult-cases/{case_id}/decision: which criteria of the harm
    threshold the concern meets (none: a low-level concern), and why."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    criteria_met: list[HarmCriterion] = Field(max_length=len(HarmCriterion))
    reason: str = Field(min_length=1, max_length=5_000)

    @field_validator("criteria_met")
    @classmethod
    def no_repeats(cls, value: list[HarmCriterion]) -> list[HarmCriterion]:
        if len(set(value)) != len(value):
            raise ValueError("a criterion is listed twice")
        return value


def decision_for(criteria_met: Iterable[HarmCriterion]) -> AdultDecision:
    """Any criterion met: an allegation; none: a low-level concern."""
    return AdultDecision.ALLEGATION if list(criteria_met) else AdultDecision.LOW_LEVEL


def decision_refusal(case: Mapping[str, Any], decision: AdultDecision) -> str | None:
    """Why this decision cannot be recorded now (None: it can)."""
    status = case["status"]
    if status == AWAITING_DECISION:
        return None
    if status == LOW_LEVEL and decision == AdultDecision.ALLEGATION:
        return None
    if status == LOW_LEVEL:
        return "it is a low-level concern already"
    if status == ALLEGATION:
        return "it is an allegation already: record its outcome instead"
    return "the case is closed"


def decision_record(
    request: DecisionRequest,
    *,
    decision_id: str,
    revises: str | None,
    by: str,
    at: datetime,
    fingerprint: str,
) -> dict[str, Any]:
    return {
        "decision_id": decision_id,
        "decision": decision_for(request.criteria_met).value,
        "criteria_met": [c.value for c in request.criteria_met],
        "reason": request.reason,
        "revises": revises,
        "decided_by": by,
        "decided_at": at,
        "fingerprint": fingerprint,
    }


def decided_event(
    case: Mapping[str, Any], record: Mapping[str, Any], actor: Actor
) -> Envelope[BaseModel]:
    payload = AdultCaseDecided(
        case_id=case["_id"],
        decision_id=record["decision_id"],
        decision=record["decision"],
        criteria_met=record["criteria_met"],
        reason=record["reason"],
        revises=record["revises"],
        decided_at=record["decided_at"],
    )
    return adult_event(
        case,
        case_v1.ADULT_CASE_DECIDED,
        payload,
        step=record["decision_id"],
        at=record["decided_at"],
        actor=actor,
    )
