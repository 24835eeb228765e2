"""The child's chronology: one entry per significant event, with its full content.

Which events become entries, and where each one goes (which child, what it is about,
when it happened), is the table `PLACEMENTS`: adding an event to the chronology is one
line there and its routing key on the `records.chronology` queue.

An entry's record is what the hash chain vouches for (domain/chain.py): JSON values only,
times as ISO 8601 text in UTC to the millisecond (what the store keeps), so the hash
computed when it is written is the one recomputed when it is read or exported.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from contracts import case_v1, intake_v1
from contracts.envelope import Envelope

_INVOLVEMENTS = uuid.UUID("6c2f9e1d-83b4-4a07-9d5e-b2a1f0c7e394")


@dataclass(frozen=True)
class Placement:
    pupil_id: str
    source_id: str  # what the entry is about: the concern, the police notification, …
    occurred_at: datetime  # when it happened, which orders the chronology


def _case_step(source: str, occurred: str) -> Callable[[Any], Placement]:
    """A step on the child's case: the payload's field naming what the step is about (the
    source the entry is filed under) and the one saying when it happened."""
    return lambda step: Placement(step.pupil_id, getattr(step, source), getattr(step, occurred))


# The steps of a child's case file (case), each an entry in the chronology.
CASE_STEPS: dict[str, Callable[[Any], Placement]] = {
    case_v1.TRIAGE_DECIDED: _case_step("concern_id", "decided_at"),
    case_v1.ACTION_ADDED: _case_step("action_id", "added_at"),
    case_v1.ACTION_COMPLETED: _case_step("action_id", "completed_at"),
    case_v1.ACTION_OVERDUE: _case_step("action_id", "overdue_at"),
    case_v1.NOTE_ADDED: _case_step("note_id", "occurred_at"),
    case_v1.REVIEW_SET: _case_step("review_id", "set_at"),
    case_v1.CASE_CLOSED: _case_step("closure_id", "closed_at"),
    case_v1.CASE_REOPENED: _case_step("reopening_id", "reopened_at"),
    case_v1.REFERRAL_MADE: _case_step("referral_id", "made_at"),
    case_v1.REFERRAL_FEEDBACK: _case_step("referral_id", "received_at"),
    case_v1.REFERRAL_ESCALATED: _case_step("referral_id", "escalated_at"),
    case_v1.FGM_REPORTED: _case_step("concern_id", "reported_at"),
    case_v1.CONTEXT_CHANGED: lambda c: Placement(c.pupil_id, f"context:{c.version}", c.changed_at),
    case_v1.LINK_ADDED: _case_step("link_id", "added_at"),
    case_v1.LINK_REMOVED: _case_step("link_id", "removed_at"),
    case_v1.RISK_ASSESSMENT_RECORDED: _case_step("assessment_id", "recorded_at"),
    case_v1.RISK_ASSESSMENT_REVIEWED: _case_step("assessment_id", "reviewed_at"),
    case_v1.PATTERN_DETECTED: _case_step("detection_id", "detected_at"),
}

# Every event that becomes an entry in a child's chronology, and where it goes.
PLACEMENTS: dict[str, Callable[[Any], Placement]] = {
    intake_v1.CONCERN_RAISED: lambda c: Placement(c.pupil_id, c.concern_id, c.occurred_at),
    intake_v1.ENCOMPASS_NOTIFIED: lambda n: Placement(n.pupil_id, n.notification_id, n.incident_at),
    intake_v1.ENCOMPASS_AMENDED: lambda n: Placement(n.pupil_id, n.notification_id, n.incident_at),
    **CASE_STEPS,
}


def placement_of(event: Envelope[BaseModel]) -> Placement:
    return PLACEMENTS[event.event_type](event.payload)


def iso(moment: datetime) -> str:
    """UTC, to the millisecond, with a Z: one spelling for one instant."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def chronology_entry(
    event: Envelope[BaseModel],
    *,
    pupil_id: str,
    source_id: str,
    occurred_at: datetime,
    recorded_at: datetime,
) -> dict[str, Any]:
    """The record of event E in the child's chain (appended once: its key is E's id)."""
    return {
        "kind": "event",
        "event_id": event.event_id,
        "event_type": event.event_type,
        "trust_id": event.trust_id,
        "school_id": event.school_id,
        "pupil_id": pupil_id,
        "source_id": source_id,
        "occurred_at": iso(occurred_at),
        "recorded_at": iso(recorded_at),
        "actor": event.actor.model_dump(mode="json"),
        "content": event.payload.model_dump(mode="json"),
    }


def involvement_key(concern_event_id: str, pupil_id: str) -> str:
    """The entry a concern makes in a named pupil's file: fixed by the concern's event and
    the pupil, so a redelivery adds nothing."""
    return str(uuid.uuid5(_INVOLVEMENTS, f"{concern_event_id}/{pupil_id}"))


def involvement_entries(
    event: Envelope[BaseModel], *, recorded_at: datetime
) -> list[tuple[str, str, dict[str, Any]]]:
    """(pupil, key, record) for each other pupil a concern names: an entry in their own
    file about their own part only (when, what kind of concern, who recorded it, their
    part), never the concern's description, the child's words, its body map or who else
    it names. Their file learns who else was involved from the link case makes."""
    concern = event.payload
    if not isinstance(concern, intake_v1.ConcernRaised):
        return []
    entries = []
    for named in concern.other_pupils_involved:
        record = {
            "kind": "involvement",
            "event_id": event.event_id,
            "event_type": "",
            "trust_id": event.trust_id,
            "school_id": event.school_id,
            "pupil_id": named.pupil_id,
            "source_id": concern.concern_id,
            "occurred_at": iso(concern.occurred_at),
            "recorded_at": iso(recorded_at),
            "actor": event.actor.model_dump(mode="json"),
            "content": {
                "concern_id": concern.concern_id,
                "part": named.part.value,
                "categories": [c.value for c in concern.categories],
                "received_at": iso(concern.received_at),
            },
        }
        entries.append((named.pupil_id, involvement_key(event.event_id, named.pupil_id), record))
    return entries


def legacy_entry(stored: Mapping[str, Any]) -> dict[str, Any]:
    """An entry stored before files were hash-chained (one document per event in the
    `chronology` collection), as it enters the chain at the upgrade. `legacy` says the
    chain vouches for it from then on, not from when it was first recorded."""
    return {
        "kind": "event",
        "legacy": True,
        "event_id": stored["_id"],
        "event_type": stored["event_type"],
        "trust_id": stored["trust_id"],
        "school_id": stored["school_id"],
        "pupil_id": stored["pupil_id"],
        "source_id": stored["source_id"],
        "occurred_at": iso(stored["occurred_at"]),
        "recorded_at": iso(stored["recorded_at"]),
        "actor": dict(stored["actor"]),
        "content": dict(stored["content"]),
    }


def occurred_at_of(record: Mapping[str, Any]) -> str:
    """What orders an entry in the timeline: when it happened, else when it was recorded."""
    return str(record.get("occurred_at") or record.get("recorded_at") or "")
