"""The steps an allegation takes before its outcome: the referral to the LADO (it meets
lado-referral), the adult's suspension (it starts suspension-confirmation) and the written
confirmation sent to them (it meets it). Each is kept on the case as recorded and told by
its event. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from contracts import case_v1
from contracts.adult_cases import LadoReferred, SubjectSuspended, SuspensionConfirmed
from contracts.envelope import Actor, Envelope
from services.case.domain.adult_cases import ALLEGATION, adult_event
from services.case.domain.triage import CLOCK_SKEW


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LadoReferralRequest(_Request):
    """The body of POST /v1/adult-cases/{case_id}/lado-referral."""

    referred_at: AwareDatetime
    lado_name: str = Field(min_length=1, max_length=200)
    reference: str | None = Field(default=None, max_length=200)
    advice: str | None = Field(default=None, max_length=10_000)


class SuspensionRequest(_Request):
    """The body of POST /v1/adult-cases/{case_id}/suspension."""

    suspended_at: AwareDatetime
    reason: str = Field(min_length=1, max_length=5_000)


class ConfirmationRequest(_Request):
    """The body of POST /v1/adult-cases/{case_id}/suspension/confirmation: when the written
    confirmation of the suspension was sent to the adult."""

    sent_at: AwareDatetime


def in_the_past(field: str, moment: datetime, now: datetime, what: str) -> list[tuple[str, str]]:
    if moment > now + CLOCK_SKEW:
        return [(field, f"{what} cannot be in the future")]
    return []


def allegation_refusal(case: Mapping[str, Any], what: str) -> str | None:
    if case["status"] != ALLEGATION:
        return f"only an allegation (the harm threshold met) takes {what}"
    return None


def lado_record(
    request: LadoReferralRequest, *, referral_id: str, by: str, at: datetime, fingerprint: str
) -> dict[str, Any]:
    return {
        "referral_id": referral_id,
        "referred_at": request.referred_at,
        "lado_name": request.lado_name,
        "reference": request.reference,
        "advice": request.advice,
        "recorded_by": by,
        "recorded_at": at,
        "fingerprint": fingerprint,
    }


def lado_event(
    case: Mapping[str, Any], record: Mapping[str, Any], actor: Actor
) -> Envelope[BaseModel]:
    payload = LadoReferred(
        case_id=case["_id"],
        referral_id=record["referral_id"],
        referred_at=record["referred_at"],
        lado_name=record["lado_name"],
        reference=record["reference"],
        advice=record["advice"],
        recorded_at=record["recorded_at"],
    )
    step, at = record["referral_id"], record["recorded_at"]
    return adult_event(case, case_v1.ADULT_LADO_REFERRED, payload, step=step, at=at, actor=actor)


def suspension_record(
    request: SuspensionRequest, *, suspension_id: str, by: str, at: datetime, fingerprint: str
) -> dict[str, Any]:
    return {
        "suspension_id": suspension_id,
        "suspended_at": request.suspended_at,
        "reason": request.reason,
        "recorded_by": by,
        "recorded_at": at,
        "fingerprint": fingerprint,
        "confirmation": None,
    }


def suspended_event(
    case: Mapping[str, Any], record: Mapping[str, Any], actor: Actor
) -> Envelope[BaseModel]:
    payload = SubjectSuspended(
        case_id=case["_id"],
        suspension_id=record["suspension_id"],
        suspended_at=record["suspended_at"],
        reason=record["reason"],
        recorded_at=record["recorded_at"],
    )
    step, at = record["suspension_id"], record["recorded_at"]
    return adult_event(
        case, case_v1.ADULT_SUBJECT_SUSPENDED, payload, step=step, at=at, actor=actor
    )


def confirmation_record(
    request: ConfirmationRequest, *, confirmation_id: str, by: str, at: datetime, fingerprint: str
) -> dict[str, Any]:
    return {
        "confirmation_id": confirmation_id,
        "sent_at": request.sent_at,
        "recorded_by": by,
        "recorded_at": at,
        "fingerprint": fingerprint,
    }


def confirmed_event(
    case: Mapping[str, Any],
    suspension: Mapping[str, Any],
    record: Mapping[str, Any],
    actor: Actor,
) -> Envelope[BaseModel]:
    payload = SuspensionConfirmed(
        case_id=case["_id"],
        suspension_id=suspension["suspension_id"],
        confirmation_id=record["confirmation_id"],
        sent_at=record["sent_at"],
        recorded_at=record["recorded_at"],
    )
    step, at = record["confirmation_id"], record["recorded_at"]
    return adult_event(
        case, case_v1.ADULT_SUSPENSION_CONFIRMED, payload, step=step, at=at, actor=actor
    )
