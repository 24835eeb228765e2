"""One case per child per school, opened by the first concern and updated by the next."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from contracts.envelope import Envelope


def case_key(school_id: str, pupil_id: str) -> str:
    return f"{school_id}/{pupil_id}"


def touch_case(
    event: Envelope[BaseModel], *, pupil_id: str, source_id: str, now: datetime
) -> dict[str, Any]:
    """An upsert that opens the case if needed and records the new source (idempotently)."""
    return {
        "$setOnInsert": {
            "trust_id": event.trust_id,
            "school_id": event.school_id,
            "pupil_id": pupil_id,
            "status": "open",
            "opened_at": now,
        },
        "$addToSet": {"sources": source_id},
        "$max": {"last_activity_at": event.occurred_at},
    }
