"""Deadlines over HTTP: a DSL's (or a trust lead's) list, with times as the school reads them."""

from datetime import datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from contracts.vocabulary import Role
from services.case.ports import CasePorts
from services.case.usecases.list_deadlines import DeadlineQuery, list_deadlines
from services.common.auth import DSL_ROLES, Principal
from services.common.json_body import json_response
from services.common.openapi_answers import who_may
from services.common.store import Document


def router(ports: CasePorts, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["deadlines"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.get(
        "/deadlines", openapi_extra=who_may(*DSL_ROLES, trust_wide=[Role.TRUST_SAFEGUARDING_LEAD])
    )
    async def get_deadlines(
        principal: CurrentUser,
        school_id: Annotated[str | None, Query(max_length=64)] = None,
        pupil_id: Annotated[str | None, Query(max_length=64)] = None,
        status: Literal["open", "met", "breached"] | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    ) -> Response:
        """Deadlines of the caller's school (or trust), soonest first; deadlines the calendar
        cannot place yet come first, because someone must act on them."""
        query = DeadlineQuery(school_id, pupil_id, status, limit)
        deadlines = await list_deadlines(ports, principal, query)
        view = {"deadlines": [deadline_view(d) for d in deadlines]}
        return json_response(view)

    return api


def deadline_view(deadline: Document) -> dict[str, Any]:
    """Times in the school's zone with the offset in force, as a DSL reads them."""
    zone = ZoneInfo(deadline["timezone"])
    return {
        "deadline_id": deadline["_id"],
        "rule": deadline["rule"],
        "school_id": deadline["school_id"],
        "pupil_id": deadline.get("pupil_id"),
        "subject": deadline["subject"],
        "source_id": deadline["source_id"],
        "due_at": _local(deadline["due_at"], zone),
        "approaching_at": _local(deadline["approaching_at"], zone),
        "unresolved": deadline.get("unresolved"),
        "status": deadline["status"],
        "met_by": deadline.get("met_by"),
        "met_at": deadline.get("met_at"),
        # Whose personal duty it is (fgm-police-report: the teacher who found it).
        "owner_user_id": deadline.get("owner_user_id"),
    }


def _local(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return moment.astimezone(zone).isoformat() if moment is not None else None
