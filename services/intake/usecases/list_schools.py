"""The schools the caller may see: their own school, or every school of their trust."""

from __future__ import annotations

from services.common.auth import Principal
from services.common.store import Document
from services.intake.ports import IntakePorts

# A trust runs tens of schools; the largest in England run a few hundred.
MAX_SCHOOLS = 1000


async def list_schools(ports: IntakePorts, principal: Principal) -> list[Document]:
    if principal.school_id is not None:
        school = await ports.store.school(principal.school_id)
        found = [school] if school is not None else []
    elif principal.trust_id is not None:
        found = await ports.store.schools_of_trust(principal.trust_id, MAX_SCHOOLS)
    else:
        found = []
    return sorted(found, key=lambda s: (s.get("name") or "", s["_id"]))
