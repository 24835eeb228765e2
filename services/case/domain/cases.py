"""One case per child per school, opened by the first concern and updated by the next."""

from __future__ import annotations

from datetime import datetime
from typing import Any


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
    }
