"""The child's chronology: one entry per significant event, with its full content."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from contracts.envelope import Envelope


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
