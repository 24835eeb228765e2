"""A DSL's triage decision on a concern: what was decided and why, whether the parents
were told (or why not), and the child's wishes and feelings. The first decision meets the
concern's dsl-triage deadline; a later one supersedes the current decision, naming it, with
its own reason, and the history keeps every one.

Decisions live on the child's case (`decisions`, oldest first). A decision stored before
that, in the `decisions` collection, is read as the concern's first decision."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from contracts import case_v1
from contracts.case_vocabulary import Decision, ParentsInformed
from contracts.envelope import Actor, Envelope
from services.case.domain.case_steps import case_event

__all__ = ["Decision", "TriageDecision"]

# A moment "in the future" allows for clocks a little apart (the browser's, the server's).
CLOCK_SKEW = timedelta(minutes=5)


class TriageDecision(BaseModel):
    """The body of POST /v1/concerns/{concern_id}/triage."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    pupil_id: str = Field(min_length=1, max_length=64)
    decision: Decision
    reason: str = Field(min_length=1, max_length=5_000, description="why: recorded verbatim")
    parents_informed: ParentsInformed | None = Field(
        default=None, description='{"informed": true, "at": …} or {"informed": false, "reason": …}'
    )
    child_views: str | None = Field(
        default=None, max_length=10_000, description="the child's wishes and feelings"
    )
    supersedes: str | None = Field(
        default=None, max_length=64, description="the current decision this one revises"
    )


def history(
    case: Mapping[str, Any] | None, concern_id: str, legacy: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Every decision on the concern, oldest first."""
    found = [d for d in (case or {}).get("decisions", []) if d["concern_id"] == concern_id]
    if legacy is not None and not any(d["decision_id"] == legacy["_id"] for d in found):
        found.insert(0, legacy_decision(legacy))
    return [dict(d) for d in found]


def current(decisions: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The decision in force: the one no later decision supersedes."""
    superseded = {d.get("supersedes") for d in decisions}
    live = [d for d in decisions if d["decision_id"] not in superseded]
    return dict(live[-1]) if live else None


def revision_refusal(
    decisions: Sequence[Mapping[str, Any]], supersedes: str | None
) -> tuple[str, str] | None:
    """Why this decision cannot be recorded: ("conflict", why) when the concern's current
    decision is not the one it names (another revision got there first), ("invalid", why)
    when it names a decision the concern never had. None: it can."""
    in_force = current(decisions)
    if supersedes is None:
        if in_force is not None:
            return "conflict", (
                "this concern has already been triaged: name the decision you revise in supersedes"
            )
        return None
    if not any(d["decision_id"] == supersedes for d in decisions):
        return "invalid", "no such decision on this concern"
    if in_force is None or in_force["decision_id"] != supersedes:
        return "conflict", "this decision has been revised since: read the current one again"
    return None


def timing_problems(decision: TriageDecision, now: datetime) -> list[tuple[str, str]]:
    told = decision.parents_informed
    if told is not None and told.at is not None and told.at > now + CLOCK_SKEW:
        return [("parents_informed.at", "the parents cannot have been told in the future")]
    return []


def decision_record(
    decision: TriageDecision,
    *,
    decision_id: str,
    concern_id: str,
    decided_by: str,
    decided_role: str | None,
    decided_at: datetime,
    fingerprint: str,
) -> dict[str, Any]:
    """The decision as kept on the child's case, verbatim and signed."""
    told = decision.parents_informed
    return {
        "decision_id": decision_id,
        "concern_id": concern_id,
        "decision": decision.decision.value,
        "reason": decision.reason,
        "parents_informed": told.model_dump(mode="python") if told else None,
        "child_views": decision.child_views,
        "supersedes": decision.supersedes,
        "decided_by": decided_by,
        "decided_role": decided_role,
        "decided_at": decided_at,
        "fingerprint": fingerprint,
    }


def decided_event(
    case: Mapping[str, Any], record: Mapping[str, Any], actor: Actor
) -> Envelope[BaseModel]:
    told = record["parents_informed"]
    payload = case_v1.TriageDecided(
        pupil_id=case["pupil_id"],
        decision_id=record["decision_id"],
        concern_id=record["concern_id"],
        decision=record["decision"],
        reason=record["reason"],
        parents_informed=ParentsInformed.model_validate(told) if told else None,
        child_views=record["child_views"],
        supersedes=record["supersedes"],
        decided_at=record["decided_at"],
    )
    return case_event(
        case,
        case_v1.TRIAGE_DECIDED,
        payload,
        step=record["decision_id"],
        actor=actor,
        at=record["decided_at"],
        correlation_id=record["concern_id"],
    )


def legacy_decision(stored: Mapping[str, Any]) -> dict[str, Any]:
    """A decision from the `decisions` collection, as the case keeps decisions now."""
    return {
        "decision_id": stored["_id"],
        "concern_id": stored["concern_id"],
        "decision": stored["decision"],
        "reason": stored["reason"],
        "parents_informed": None,
        "child_views": None,
        "supersedes": None,
        "decided_by": stored["decided_by"],
        "decided_role": None,
        "decided_at": stored["decided_at"],
        "fingerprint": None,
    }


def legacy_triage_id(school_id: str, concern_id: str) -> str:
    """The id a decision had when it was stored on its own, one per concern."""
    return f"triage:{school_id}:{concern_id}"
