"""An adult case's file in records (concerns about adults, KCSIE Part 4): its chronology
and its access log, each a hash chain of its own (domain/chain.py, the same chain as a
child's file) in collections of their own (`adult_*`, `adult_access_*`), and the
content-free pointers a child involved gets. Pure.

The pointer: "subject of a concern about an adult, see the allegations file", naming the
adult case, never the adult or the words. It is kept beside the child's file, in a chain
of its own (`pointer_*`, under the child's file id), not in the file's chain: a reader who
may not see the adult case sees the file exactly as it would be without it (no gap in the
entries' numbers, the same count and head, the same PDF and transfer), which matters most
when that reader is the adult. Readers of the child's file who may also see the adult
case (services/common/adult_access.py) see the pointer in the chronology.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from contracts import case_v1, intake_v1
from contracts.envelope import Envelope
from services.records.domain.chronology import iso

ADULT_CHAIN = "case"  # entries are named "case:<seq>"
POINTERS = "allegations"  # a child's pointers, named "allegations:<seq>" in the timeline
POINTER_NOTE = "Subject of a concern about an adult: see the allegations file."

# What each step of an adult case is dated by in its chronology.
_WHEN: dict[str, Callable[[Any], datetime]] = {
    intake_v1.ADULT_CONCERN_RAISED: lambda p: p.occurred_at,
    case_v1.ADULT_CASE_OPENED: lambda p: p.opened_at,
    case_v1.ADULT_CASE_ACCESS_CHANGED: lambda p: p.changed_at,
    case_v1.ADULT_CASE_DECIDED: lambda p: p.decided_at,
    case_v1.ADULT_LADO_REFERRED: lambda p: p.referred_at,
    case_v1.ADULT_SUBJECT_SUSPENDED: lambda p: p.suspended_at,
    case_v1.ADULT_SUSPENSION_CONFIRMED: lambda p: p.sent_at,
    case_v1.ADULT_CASE_CONCLUDED: lambda p: p.concluded_at,
    case_v1.ADULT_LOW_LEVEL_PATTERN: lambda p: p.detected_at,
}
ADULT_STEPS = frozenset(_WHEN)

# What an access to an adult case was; its access log shows them in these words.
ADULT_ACTIONS = {
    "chronology.read": "read the chronology",
    "case.read": "read the case",
    "list.read": "saw it in the list of cases",
    "low_level_log.read": "saw it in the low-level concerns log",
    "retention_review.read": "saw it in the retention review",
    "access_log.read": "read the access log",
}


@dataclass(frozen=True)
class AdultChainRef:
    """An adult case's chain (its chronology or its access log): `_id` the case's id."""

    case_id: str
    trust_id: str
    school_id: str

    @property
    def id(self) -> str:
        return self.case_id

    @property
    def tenant(self) -> dict[str, str]:
        return {"trust_id": self.trust_id, "school_id": self.school_id, "case_id": self.case_id}


def case_id_of(event: Envelope[BaseModel]) -> str:
    return str(event.payload.case_id)  # type: ignore[attr-defined]


def adult_entry(event: Envelope[BaseModel], *, recorded_at: datetime) -> dict[str, Any]:
    """The record of event E in the adult case's chain (appended once: its key is E's id)."""
    case_id = case_id_of(event)
    return {
        "kind": "event",
        "event_id": event.event_id,
        "event_type": event.event_type,
        "trust_id": event.trust_id,
        "school_id": event.school_id,
        "case_id": case_id,
        "source_id": case_id,
        "occurred_at": iso(_WHEN[event.event_type](event.payload)),
        "recorded_at": iso(recorded_at),
        "actor": event.actor.model_dump(mode="json"),
        "content": event.payload.model_dump(mode="json"),
    }


def pointer_entry(
    event: Envelope[BaseModel], pupil_id: str, *, recorded_at: datetime
) -> dict[str, Any]:
    """The pointer in a child's file: the adult case's id and a fixed sentence, nothing of
    the adult or the concern."""
    case_id = case_id_of(event)
    return {
        "kind": "adult_pointer",
        "event_id": event.event_id,
        "event_type": event.event_type,
        "trust_id": event.trust_id,
        "school_id": event.school_id,
        "pupil_id": pupil_id,
        "source_id": case_id,
        "occurred_at": iso(event.occurred_at),
        "recorded_at": iso(recorded_at),
        "actor": {"kind": "system", "id": "harbour", "role": None},
        "content": {"adult_case_id": case_id, "note": POINTER_NOTE},
    }


def adult_access(
    action: str,
    *,
    user_id: str,
    roles: list[str],
    at: datetime,
    ref: AdultChainRef,
    detail: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One access to an adult case: who, in which role, when, and what."""
    if action not in ADULT_ACTIONS:
        raise ValueError(f"unknown access {action!r}")
    return {
        "kind": "access",
        "action": action,
        "user_id": user_id,
        "roles": sorted(str(role) for role in roles),
        "at": iso(at),
        **ref.tenant,
        "detail": detail or {},
    }
