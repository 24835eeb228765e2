"""case's calendar endpoints: a school's terms, closures and working hours."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path

from contracts.vocabulary import Role
from services.case.domain.calendar import SchoolCalendar
from services.case.store import CaseStore
from services.case.tracker import DeadlineTracker
from services.common.auth import SAFEGUARDING_READERS, Principal
from services.common.web import school_for

SchoolId = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")]
CALENDAR_EDITORS = frozenset({Role.ADMIN, Role.HEADTEACHER})


def router(store: CaseStore, tracker: DeadlineTracker, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1/schools", tags=["calendar"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.put("/{school_id}/calendar")
    async def put_calendar(
        school_id: SchoolId, calendar: SchoolCalendar, principal: CurrentUser
    ) -> dict[str, Any]:
        """Replace the school's calendar; open deadlines are recomputed from it."""
        school = await school_for(store.schools, principal, school_id, CALENDAR_EDITORS)
        recomputed = await tracker.save_calendar(
            school_id, school["trust_id"], calendar, principal.user_id
        )
        return {**calendar.model_dump(mode="json"), "recomputed_deadlines": recomputed}

    @api.get("/{school_id}/calendar")
    async def get_calendar(school_id: SchoolId, principal: CurrentUser) -> dict[str, Any]:
        await school_for(
            store.schools, principal, school_id, CALENDAR_EDITORS | SAFEGUARDING_READERS
        )
        return (await store.calendar_of(school_id)).model_dump(mode="json")

    return api
