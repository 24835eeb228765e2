"""case's calendar endpoints: a school's terms, closures and working hours."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from contracts.vocabulary import Role
from services.case.domain.calendar import SchoolCalendar
from services.case.ports import CasePorts
from services.case.usecases.read_calendar import read_calendar
from services.case.usecases.set_calendar import set_calendar
from services.common.auth import DSL_ROLES, TRUST_ROLES, Principal
from services.common.ids import IdPath
from services.common.openapi_answers import who_may


def router(ports: CasePorts, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1/schools", tags=["calendar"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.put(
        "/{school_id}/calendar",
        openapi_extra=who_may(Role.ADMIN, Role.HEADTEACHER, trust_wide=[Role.ADMIN]),
    )
    async def put_calendar(
        school_id: IdPath, calendar: SchoolCalendar, principal: CurrentUser
    ) -> dict[str, Any]:
        """Replace the school's calendar; open deadlines are recomputed from it."""
        recomputed = await set_calendar(ports, principal, school_id, calendar)
        return {**calendar.model_dump(mode="json"), "recomputed_deadlines": recomputed}

    @api.get(
        "/{school_id}/calendar",
        openapi_extra=who_may(Role.ADMIN, Role.HEADTEACHER, *DSL_ROLES, trust_wide=[*TRUST_ROLES]),
    )
    async def get_calendar(school_id: IdPath, principal: CurrentUser) -> dict[str, Any]:
        return (await read_calendar(ports, principal, school_id)).model_dump(mode="json")

    return api
