"""One case per child per school: opened by the first concern or police notification,
`open` or `closed`, and the DSL's working file (decisions, actions, notes, referrals, the
next review). This module holds the case itself and how its status moves: a source joins
it (and reopens it when closed), a DSL sets the review date, closes it, or reopens it.

A case stored before it was a working file has only its status, sources and dates: every
list it lacks reads as empty.

The whole file is one document, so that each step and its event are one atomic write and
reading the case is one `_id` lookup. Its cost grows with it on FerretDB 1.24, which
rewrites a document whole (measured: a read ~0.15 ms and an update ~0.3 ms per KB; a case
with 100 notes of 1,000 characters, ~230 KB with its outbox, takes a note in ~0.7 s, one
with 400 in ~2.5 s). MongoDB updates in place; a case carrying hundreds of long steps is
the point at which moving notes to documents of their own would pay."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts import case_v1
from contracts.case_vocabulary import ClosureOutcome
from contracts.envelope import Actor, Envelope
from services.case.domain.case_steps import case_event

Reason = Field(min_length=1, max_length=5_000)
SourceKind = Literal["concern", "police_notification"]

_REOPENED_BY: dict[SourceKind, str] = {
    "concern": "A new concern was raised about the child.",
    "police_notification": "A police notification about the child was received.",
}


def case_key(school_id: str, pupil_id: str) -> str:
    return f"{school_id}/{pupil_id}"


def new_case(
    trust_id: str, school_id: str, pupil_id: str, *, opened_at: datetime
) -> dict[str, Any]:
    """A case as first opened (its sources and last activity are added as events arrive)."""
    return {
        "trust_id": trust_id,
        "school_id": school_id,
        "pupil_id": pupil_id,
        "status": "open",
        "opened_at": opened_at,
        "sources": [],
        "last_activity_at": opened_at,
        "status_history": [],
    }


class ReviewRequest(BaseModel):
    """The body of PUT /v1/children/{pupil_id}/case/review."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    review_on: date
    reason: str = Reason


class ClosureRequest(BaseModel):
    """The body of POST /v1/children/{pupil_id}/case/close: both are required."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    outcome: ClosureOutcome
    reason: str = Reason


class ReopenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Reason


def source_joined(
    case: Mapping[str, Any] | None,
    source: Envelope[BaseModel],
    *,
    kind: SourceKind,
    source_id: str,
    now: datetime,
) -> tuple[dict[str, Any], list[Envelope[BaseModel]]]:
    """What a concern or police notification changes on the child's case: it joins its
    sources, and a closed case is reopened, saying so. Nothing for a source already there
    (a redelivery)."""
    if case is not None and source_id in case.get("sources", []):
        return {}, []
    activity = (case or {}).get("last_activity_at")
    changes: dict[str, Any] = {
        "sources": [*(case or {}).get("sources", []), source_id],
        "last_activity_at": max(activity, source.occurred_at) if activity else source.occurred_at,
    }
    if case is None or case["status"] == "open":
        return changes, []
    # Fixed by the source's event, so a redelivery cannot reopen it twice.
    reopening_id = f"reopen_{source.event_id}"
    reason = _REOPENED_BY[kind]
    changes.update(reopened(case, reopening_id=reopening_id, reason=reason, by=None, at=now))
    changes["status_history"][-1]["source_id"] = source_id
    payload = case_v1.CaseReopened(
        pupil_id=case["pupil_id"],
        reopening_id=reopening_id,
        reason=reason,
        source_id=source_id,
        reopened_at=now,
    )
    event = case_event(
        case,
        case_v1.CASE_REOPENED,
        payload,
        step=reopening_id,
        at=now,
        correlation_id=source.correlation_id,
        causation=source,
    )
    return changes, [event]


def reopened(
    case: Mapping[str, Any], *, reopening_id: str, reason: str, by: str | None, at: datetime
) -> dict[str, Any]:
    entry = {
        "status": "open",
        "step_id": reopening_id,
        "at": at,
        "by": by,
        "reason": reason,
        "source_id": None,
    }
    return {"status": "open", "status_history": [*case.get("status_history", []), entry]}


def reopened_by(case: Mapping[str, Any], reopening_id: str) -> bool:
    """This reopening is the case's latest change of status (a retry finds it so)."""
    history = case.get("status_history", [])
    return bool(history) and history[-1].get("step_id") == reopening_id


def reopened_event(
    case: Mapping[str, Any], reopening_id: str, reason: str, actor: Actor, at: datetime
) -> Envelope[BaseModel]:
    payload = case_v1.CaseReopened(
        pupil_id=case["pupil_id"], reopening_id=reopening_id, reason=reason, reopened_at=at
    )
    return case_event(case, case_v1.CASE_REOPENED, payload, step=reopening_id, actor=actor, at=at)


def closed(
    case: Mapping[str, Any],
    request: ClosureRequest,
    *,
    closure_id: str,
    by: str,
    at: datetime,
    fingerprint: str,
) -> dict[str, Any]:
    closure = {
        "closure_id": closure_id,
        "outcome": request.outcome.value,
        "reason": request.reason,
        "closed_by": by,
        "closed_at": at,
        "fingerprint": fingerprint,
    }
    entry = {
        "status": "closed",
        "step_id": closure_id,
        "at": at,
        "by": by,
        "reason": request.reason,
        "source_id": None,
    }
    history = [*case.get("status_history", []), entry]
    return {"status": "closed", "closure": closure, "status_history": history}


def closed_event(
    case: Mapping[str, Any], closure: Mapping[str, Any], actor: Actor
) -> Envelope[BaseModel]:
    payload = case_v1.CaseClosed(
        pupil_id=case["pupil_id"],
        closure_id=closure["closure_id"],
        outcome=closure["outcome"],
        reason=closure["reason"],
        closed_at=closure["closed_at"],
    )
    step, at = closure["closure_id"], closure["closed_at"]
    return case_event(case, case_v1.CASE_CLOSED, payload, step=step, actor=actor, at=at)


def closing_refusal(case: Mapping[str, Any]) -> str | None:
    """Why the case cannot be closed now (None: it can)."""
    if case["status"] == "closed":
        return "the case is closed already"
    still_open = [a for a in case.get("actions", []) if a["status"] == "open"]
    if still_open:
        return f"{len(still_open)} action(s) are still open: complete them first"
    return None


def review_problem(request: ReviewRequest, today: date) -> str | None:
    if request.review_on < today:
        return "the review date must be today or later"
    return None


def same_review(case: Mapping[str, Any], request: ReviewRequest) -> bool:
    current = case.get("review") or {}
    return (current.get("review_on"), current.get("reason")) == (
        request.review_on.isoformat(),
        request.reason,
    )


def review(request: ReviewRequest, *, review_id: str, by: str, at: datetime) -> dict[str, Any]:
    """The review as kept on the case (`review_on` is also kept at the top, for lists)."""
    return {
        "review_id": review_id,
        "review_on": request.review_on.isoformat(),
        "reason": request.reason,
        "set_by": by,
        "set_at": at,
    }


def review_event(
    case: Mapping[str, Any], review: Mapping[str, Any], actor: Actor
) -> Envelope[BaseModel]:
    previous = case.get("review")
    payload = case_v1.ReviewSet(
        pupil_id=case["pupil_id"],
        review_id=review["review_id"],
        review_on=date.fromisoformat(review["review_on"]),
        reason=review["reason"],
        previous_review_on=date.fromisoformat(previous["review_on"]) if previous else None,
        set_at=review["set_at"],
    )
    step, at = review["review_id"], review["set_at"]
    return case_event(case, case_v1.REVIEW_SET, payload, step=step, actor=actor, at=at)
