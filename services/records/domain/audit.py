"""The audit log's entries: every read of a child's file, and the deadlines met."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from contracts.case_v1 import DeadlineChanged
from contracts.envelope import Envelope
from services.common.auth import Principal


def chronology_read(
    reader: Principal, trust_id: str, school_id: str, pupil_id: str, entries: int, at: datetime
) -> dict[str, Any]:
    return {
        "at": at,
        "user_id": reader.user_id,
        "roles": sorted(reader.roles),
        "action": "chronology.read",
        "trust_id": trust_id,
        "school_id": school_id,
        "pupil_id": pupil_id,
        "entries": entries,
    }


def deadline_met(event: Envelope[DeadlineChanged]) -> dict[str, Any]:
    """Keyed by the event: a redelivery logs nothing more."""
    return {
        "_id": event.event_id,
        "at": event.occurred_at,
        "action": event.event_type,
        "trust_id": event.trust_id,
        "school_id": event.school_id,
        "pupil_id": event.payload.pupil_id,
        "deadline_id": event.payload.deadline_id,
        "met_by": event.payload.met_by,
    }
