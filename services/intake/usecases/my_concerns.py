"""The receipts of the concerns the caller recorded at their school: that each arrived,
when, and about whom. Never the content: staff do not read the file."""

from __future__ import annotations

from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from services.common.auth import Principal
from services.intake.domain.schools import pupil_key
from services.intake.store import IntakeStore


class MyConcernsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=50, ge=1, le=200)
    # Paging: receipts received before this moment (the last one of the previous page).
    before: AwareDatetime | None = None


class NotAtASchool(Exception):
    """Concerns are recorded by school users; a trust-wide user has no receipts."""


async def my_concerns(
    principal: Principal, query: MyConcernsQuery, store: IntakeStore
) -> list[dict[str, Any]]:
    if principal.school_id is None:
        raise NotAtASchool
    school_id = principal.school_id
    conditions: dict[str, Any] = {"school_id": school_id, "reported_by": principal.user_id}
    if query.before is not None:
        conditions["received_at"] = {"$lt": query.before}
    cursor = (
        store.concerns.find(conditions, projection={"_id": 1, "pupil_id": 1, "received_at": 1})
        .sort("received_at", -1)
        .limit(query.limit)
    )
    receipts = [doc async for doc in cursor]
    names = await _pupil_names(store, school_id, {r["pupil_id"] for r in receipts})
    return [
        {
            "concern_id": r["_id"],
            "status": "received",
            "received_at": r["received_at"],
            "pupil_id": r["pupil_id"],
            "pupil_name": names.get(r["pupil_id"]),
        }
        for r in receipts
    ]


async def _pupil_names(store: IntakeStore, school_id: str, pupil_ids: set[str]) -> dict[str, str]:
    """The names the reporter chose from, so they recognise each receipt."""
    if not pupil_ids:
        return {}
    keys = [pupil_key(school_id, p) for p in pupil_ids]
    cursor = store.pupils.find(
        {"_id": {"$in": keys}},
        projection={"pupil_id": 1, "forename": 1, "preferred_forename": 1, "surname": 1},
    )
    return {
        p["pupil_id"]: f"{p.get('preferred_forename') or p['forename']} {p['surname']}"
        async for p in cursor
    }
