"""Corrections: nothing in a file is ever changed; a correction is a new entry that names
the entry it corrects (and that entry's hash), the corrected fields and why. Views show it
beside the original. Pure code."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, JsonValue, field_validator

from services.common.auth import Principal
from services.records.domain.chronology import iso

MAX_FIELDS = 20


class CorrectionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=1, max_length=2000)
    fields: dict[str, JsonValue] = Field(min_length=1, max_length=MAX_FIELDS)

    @field_validator("fields")
    @classmethod
    def plain_names(cls, value: dict[str, JsonValue]) -> dict[str, JsonValue]:
        for name in value:
            if not name or "." in name or name.startswith("$") or len(name) > 64:
                raise ValueError("field names are the entry's own (no '.' or '$')")
        if len(str(value)) > 20_000:
            raise ValueError("the corrected fields are too long")
        return value


def unknown_fields(target: Mapping[str, Any], request: CorrectionRequest) -> list[str]:
    """Fields the request corrects that the entry does not have."""
    content = target.get("record", {}).get("content") or {}
    return sorted(name for name in request.fields if name not in content)


def correction_entry(
    target_id: str,
    target: Mapping[str, Any],
    request: CorrectionRequest,
    principal: Principal,
    *,
    trust_id: str,
    school_id: str,
    pupil_id: str,
    at: datetime,
) -> dict[str, Any]:
    return {
        "kind": "correction",
        "corrects": target_id,
        "corrects_hash": target["hash"],
        "trust_id": trust_id,
        "school_id": school_id,
        "pupil_id": pupil_id,
        "recorded_at": iso(at),
        "occurred_at": iso(at),
        "actor": {"kind": "user", "id": principal.user_id, "role": principal.primary_role},
        "content": {"reason": request.reason, "fields": request.fields},
    }


def same_correction(earlier: Mapping[str, Any] | None, record: Mapping[str, Any]) -> bool:
    """Whether the correction stored under this request's Idempotency-Key is this one (a
    retry) rather than another request under a reused key. An entry not in the file as
    read (appended in the meantime) is taken for the retry it almost always is."""
    stored = (earlier or {}).get("record")
    if stored is None:
        return True
    return (stored.get("corrects"), stored.get("content")) == (
        record["corrects"],
        record["content"],
    )
