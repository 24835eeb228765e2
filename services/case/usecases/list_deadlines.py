"""The deadlines a DSL (their school's) or a trust lead (every school of the trust) must
watch, soonest first; deadlines the calendar cannot place yet come first, because someone
must act on them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from services.case.ports import CasePorts
from services.common.auth import SAFEGUARDING_READERS, Principal
from services.common.errors import NotFound
from services.common.store import Document


@dataclass(frozen=True)
class DeadlineQuery:
    school_id: str | None = None
    pupil_id: str | None = None
    status: Literal["open", "met", "breached"] | None = None
    limit: int = 200


async def list_deadlines(
    ports: CasePorts, principal: Principal, query: DeadlineQuery
) -> list[Document]:
    scope = principal.tenant_filter(query.school_id)
    if scope is None or not principal.has_any(SAFEGUARDING_READERS):
        raise NotFound("school")
    return await ports.store.deadlines_in(
        scope, pupil_id=query.pupil_id, status=query.status, limit=query.limit
    )
