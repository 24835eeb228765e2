"""An allegation's outcome, with reasons, closes the case; how long the case is then kept
follows the outcome (KCSIE Part 4, as the retention policy reads it):

- substantiated, unsubstantiated, false (and unfounded, on which the policy is silent, kept
  alike rather than lost): until the adult's normal pension age or for 10 years from the
  outcome, whichever is longer. Normal pension age is the date the case manager records,
  else worked out from the adult's date of birth if recorded (the state pension age: 66
  for those born before 6 April 1960, 67 before 6 April 1977, 68 after; the phased bands
  in between are rounded up, which keeps a record up to 11 months longer, never shorter),
  else unknown: 10 years, and the retention says so.
- malicious: removed from the file: due for removal at once.

Either way the case appears in the retention review when due; nothing is deleted
automatically. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from contracts import case_v1
from contracts.adult_cases import AdultCaseConcluded, AllegationOutcome, Retention
from contracts.envelope import Actor, Envelope
from services.case.domain.adult_cases import adult_event

MINIMUM_YEARS = 10
STATE_PENSION_AGES = ((date(1960, 4, 6), 66), (date(1977, 4, 6), 67))
LATEST_STATE_PENSION_AGE = 68


class OutcomeRequest(BaseModel):
    """The body of POST /v1/adult-cases/{case_id}/outcome."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    outcome: AllegationOutcome
    reason: str = Field(min_length=1, max_length=5_000)
    subject_date_of_birth: date | None = None
    normal_pension_date: date | None = None


def outcome_problems(request: OutcomeRequest, today: date) -> list[tuple[str, str]]:
    problems = []
    born = request.subject_date_of_birth
    if born is not None and born >= today:
        problems.append(("subject_date_of_birth", "a date of birth must be in the past"))
    pension = request.normal_pension_date
    if pension is not None and born is not None and pension <= born:
        problems.append(("normal_pension_date", "the pension date must follow the birth"))
    return problems


def years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def state_pension_age(born: date) -> int:
    return next(
        (age for before, age in STATE_PENSION_AGES if born < before), LATEST_STATE_PENSION_AGE
    )


def retention_for(
    outcome: AllegationOutcome,
    concluded_on: date,
    *,
    date_of_birth: date | None = None,
    pension_date: date | None = None,
) -> Retention:
    if outcome == AllegationOutcome.MALICIOUS:
        return Retention(
            keep_until=None,
            basis="Malicious: remove the details from the file now (nothing is deleted "
            "automatically).",
        )
    ten_years = years_after(concluded_on, MINIMUM_YEARS)
    if pension_date is not None:
        pension, source = pension_date, "the normal pension date recorded"
    elif date_of_birth is not None:
        age = state_pension_age(date_of_birth)
        pension = years_after(date_of_birth, age)
        source = f"normal pension age {age}, from the date of birth recorded"
    else:
        return Retention(
            keep_until=ten_years,
            basis="10 years from the outcome: no date of birth or pension date was recorded, "
            "so normal pension age is not known.",
        )
    if pension > ten_years:
        return Retention(
            keep_until=pension,
            basis=f"Until normal pension age ({source}), later than 10 years from the outcome.",
        )
    return Retention(
        keep_until=ten_years,
        basis=f"10 years from the outcome, later than normal pension age ({source}).",
    )


def outcome_record(
    request: OutcomeRequest,
    retention: Retention,
    *,
    outcome_id: str,
    by: str,
    at: datetime,
    fingerprint: str,
) -> dict[str, Any]:
    return {
        "outcome_id": outcome_id,
        "outcome": request.outcome.value,
        "reason": request.reason,
        "subject_date_of_birth": _iso(request.subject_date_of_birth),
        "normal_pension_date": _iso(request.normal_pension_date),
        "retention": retention.model_dump(mode="json"),
        "concluded_by": by,
        "concluded_at": at,
        "fingerprint": fingerprint,
    }


def concluded_event(
    case: Mapping[str, Any], record: Mapping[str, Any], actor: Actor
) -> Envelope[BaseModel]:
    payload = AdultCaseConcluded(
        case_id=case["_id"],
        outcome_id=record["outcome_id"],
        outcome=record["outcome"],
        reason=record["reason"],
        retention=Retention.model_validate(record["retention"]),
        concluded_at=record["concluded_at"],
    )
    step, at = record["outcome_id"], record["concluded_at"]
    return adult_event(case, case_v1.ADULT_CASE_CONCLUDED, payload, step=step, at=at, actor=actor)


def due_for_review(case: Mapping[str, Any], today: date) -> bool:
    """Closed, and kept no longer (malicious: at once)."""
    retention = (case.get("outcome") or {}).get("retention")
    if retention is None:
        return False
    keep_until = retention.get("keep_until")
    return keep_until is None or date.fromisoformat(keep_until) <= today


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
