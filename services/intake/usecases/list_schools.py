"""The schools the caller may see: their own school, or every school of their trust."""

from __future__ import annotations

from typing import Any

from services.common.auth import Principal
from services.intake.store import IntakeStore

# A trust runs tens of schools; the largest in England run a few hundred.
MAX_SCHOOLS = 1000


async def list_schools(principal: Principal, store: IntakeStore) -> list[dict[str, Any]]:
    if principal.school_id is not None:
        school = await store.school(principal.school_id)
        found = [school] if school is not None else []
    elif principal.trust_id is not None:
        cursor = store.schools.find({"trust_id": principal.trust_id}).limit(MAX_SCHOOLS)
        found = [s async for s in cursor]
    else:
        found = []
    return sorted(
        (
            {
                "school_id": s["_id"],
                "name": s.get("name"),
                "trust_id": s["trust_id"],
                "urn": s.get("urn"),
            }
            for s in found
        ),
        key=lambda s: (s["name"] or "", s["school_id"]),
    )
