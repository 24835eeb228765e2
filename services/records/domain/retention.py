"""Retention: a closed file (the child left) is kept until the child's 25th birthday (the
number of years is a setting), then reviewed; nothing is deleted automatically. Disposal,
by the headteacher or a DSL with a reason, removes the content of every entry and appends
a disposal entry naming what was removed, so the chain still verifies. Pure code."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from services.common.auth import Principal
from services.records.domain.chronology import iso


class DisposalRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=1, max_length=2000)


def retention_due(date_of_birth: date, years: int) -> date:
    """The child's birthday `years` after birth (29 February: 28 February that year)."""
    try:
        return date_of_birth.replace(year=date_of_birth.year + years)
    except ValueError:
        return date_of_birth.replace(year=date_of_birth.year + years, day=28)


def date_of_birth(child: Mapping[str, Any] | None) -> date | None:
    value = (child or {}).get("date_of_birth")
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def disposal_entry(
    removed: Mapping[str, int],
    request: DisposalRequest,
    principal: Principal,
    *,
    trust_id: str,
    school_id: str,
    pupil_id: str,
    at: datetime,
) -> dict[str, Any]:
    """The tombstone: which entries of which chains lost their content, who, when, why."""
    return {
        "kind": "disposal",
        "removed": dict(removed),
        "trust_id": trust_id,
        "school_id": school_id,
        "pupil_id": pupil_id,
        "recorded_at": iso(at),
        "occurred_at": iso(at),
        "actor": {"kind": "user", "id": principal.user_id, "role": principal.primary_role},
        "content": {"reason": request.reason, "entries_removed": sum(removed.values())},
    }
