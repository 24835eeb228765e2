"""The child's chronology: one entry per significant event, with its full content."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from contracts import case_v1
from contracts.envelope import Envelope


@dataclass(frozen=True)
class EntryFields:
    """Where an event's payload says whom it is about, what it is about (the source id the
    entry is filed under) and when it happened."""

    source: str
    occurred: str
    pupil: str = "pupil_id"

    def of(self, payload: BaseModel) -> tuple[str, str, datetime]:
        return (
            getattr(payload, self.pupil),
            getattr(payload, self.source),
            getattr(payload, self.occurred),
        )


# The steps of a child's case file (case), each an entry in the chronology.
CASE_STEPS: dict[str, EntryFields] = {
    case_v1.TRIAGE_DECIDED: EntryFields("concern_id", "decided_at"),
    case_v1.ACTION_ADDED: EntryFields("action_id", "added_at"),
    case_v1.ACTION_COMPLETED: EntryFields("action_id", "completed_at"),
    case_v1.ACTION_OVERDUE: EntryFields("action_id", "overdue_at"),
    case_v1.NOTE_ADDED: EntryFields("note_id", "occurred_at"),
    case_v1.REVIEW_SET: EntryFields("review_id", "set_at"),
    case_v1.CASE_CLOSED: EntryFields("closure_id", "closed_at"),
    case_v1.CASE_REOPENED: EntryFields("reopening_id", "reopened_at"),
    case_v1.REFERRAL_MADE: EntryFields("referral_id", "made_at"),
    case_v1.REFERRAL_FEEDBACK: EntryFields("referral_id", "received_at"),
    case_v1.REFERRAL_ESCALATED: EntryFields("referral_id", "escalated_at"),
    case_v1.FGM_REPORTED: EntryFields("concern_id", "reported_at"),
}


def chronology_entry(
    event: Envelope[BaseModel],
    *,
    pupil_id: str,
    source_id: str,
    occurred_at: datetime,
    recorded_at: datetime,
) -> dict[str, Any]:
    """The entry for event E has `_id` E: a redelivered event cannot add a second one."""
    return {
        "_id": event.event_id,
        "trust_id": event.trust_id,
        "school_id": event.school_id,
        "pupil_id": pupil_id,
        "source_id": source_id,
        "event_type": event.event_type,
        "occurred_at": occurred_at,
        "recorded_at": recorded_at,
        "actor": event.actor.model_dump(),
        "content": event.payload.model_dump(mode="json"),
    }
