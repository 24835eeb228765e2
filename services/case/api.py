"""case's HTTP API: deadlines (and, later, calendars and decisions)."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query

from services.case.domain.deadlines import deadline_view
from services.case.store import CaseStore
from services.common.auth import SAFEGUARDING_READERS, Principal
from services.common.web import not_found


def router(store: CaseStore, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1")
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.get("/deadlines", tags=["deadlines"])
    async def list_deadlines(
        principal: CurrentUser,
        school_id: Annotated[str | None, Query(max_length=64)] = None,
        pupil_id: Annotated[str | None, Query(max_length=64)] = None,
        status: Literal["open", "met", "breached"] | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    ) -> dict[str, Any]:
        """Deadlines of the caller's school (or trust), soonest first."""
        scope = principal.tenant_filter(school_id)
        if scope is None or not principal.has_any(SAFEGUARDING_READERS):
            raise not_found("school")
        query: dict[str, Any] = dict(scope)
        if pupil_id is not None:
            query["pupil_id"] = pupil_id
        if status is not None:
            query["status"] = status
        cursor = store.deadlines.find(query).sort("due_at", 1).limit(limit)
        return {"deadlines": [deadline_view(d) async for d in cursor]}

    return api
