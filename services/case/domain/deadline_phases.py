"""How an open deadline moves on: it is approaching, breached or met, each exactly once, and
each move is told by one event whose id is fixed by the deadline and the phase."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel

from contracts import case_v1
from contracts.case_v1 import DeadlineChanged, phase_event_id
from contracts.envelope import Envelope, Subject
from services.common.events import SYSTEM, make_envelope

Phase = Literal["approaching", "breached", "met"]

_EVENT_TYPES: dict[Phase, str] = {
    "approaching": case_v1.DEADLINE_APPROACHING,
    "breached": case_v1.DEADLINE_BREACHED,
    "met": case_v1.DEADLINE_MET,
}


def phases_reached(deadline: dict[str, Any], now: datetime) -> list[Phase]:
    """The phases an open deadline has reached by `now` and not yet announced. A deadline
    that passed while nobody ran the scheduler still warns before it breaches."""
    if deadline["status"] != "open" or deadline["due_at"] is None:
        return []
    if deadline["due_at"] <= now:
        return ["breached"] if deadline["approaching_sent"] else ["approaching", "breached"]
    if not deadline["approaching_sent"] and deadline["approaching_at"] <= now:
        return ["approaching"]
    return []


def reached(phases: list[Phase], now: datetime) -> dict[str, Any]:
    """The fields that record reaching `phases` (from phases_reached, not empty)."""
    if "breached" in phases:
        return {"status": "breached", "breached_at": now, "approaching_sent": True}
    return {"approaching_sent": True, "approaching_fired_at": now}


def met(met_by: str, met_at: datetime) -> dict[str, Any]:
    return {"status": "met", "met_by": met_by, "met_at": met_at}


def met_late(deadline: dict[str, Any], met_by: str, met_at: datetime) -> dict[str, Any]:
    """What a meeting changes on a deadline no longer open: on a breach, not met before, the
    breach stands but the file shows when it was done; otherwise nothing."""
    if deadline["status"] == "breached" and deadline.get("met_by") is None:
        return {"met_by": met_by, "met_late_at": met_at}
    return {}


def next_look(deadline: dict[str, Any]) -> datetime | None:
    """When the scheduler must next look at the deadline: never once it is closed or while
    the calendar cannot place it."""
    if deadline.get("status") != "open" or deadline.get("due_at") is None:
        return None
    if deadline["approaching_sent"]:
        return deadline["due_at"]
    return min(deadline["approaching_at"], deadline["due_at"])


def phase_event(
    deadline: dict[str, Any], phase: Phase, *, at: datetime, met_by: str | None = None
) -> Envelope[BaseModel]:
    subject = deadline["subject"]
    return make_envelope(
        _EVENT_TYPES[phase],
        DeadlineChanged(
            deadline_id=deadline["_id"],
            rule=deadline["rule"],
            pupil_id=deadline.get("pupil_id"),
            source_id=deadline["source_id"],
            source_event_id=deadline["source_event_id"],
            due_at=deadline["due_at"],
            approaching_at=deadline["approaching_at"],
            met_by=met_by,
        ),
        trust_id=deadline["trust_id"],
        school_id=deadline["school_id"],
        subject=Subject(kind=subject["kind"], id=subject["id"]),
        actor=SYSTEM,
        correlation_id=deadline["source_id"],
        event_id=phase_event_id(deadline["_id"], phase),
        occurred_at=at,
    )
