"""What the staff pages read from intake: pupil search by name (a POST, so that a child's
name never appears in a URL, a proxy log or the browser history), the caller's own concern
receipts, and the schools the caller may see."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from services.common.auth import SCHOOL_ROLES, TRUST_ROLES, Principal
from services.common.openapi_answers import READS_ONLY, for_anyone, who_may
from services.common.store import Document
from services.intake.ports import IntakePorts
from services.intake.usecases.list_schools import list_schools
from services.intake.usecases.my_concerns import MyConcernsQuery, my_concerns
from services.intake.usecases.search_pupils import PupilSearch, search_pupils


def router(ports: IntakePorts, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1")
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.post(
        "/pupils/search", tags=["pupils"], openapi_extra={**READS_ONLY, **who_may(*SCHOOL_ROLES)}
    )
    async def search(search: PupilSearch, principal: CurrentUser) -> dict[str, Any]:
        """Any member of staff at a school: up to `limit` pupils of that school."""
        return {"pupils": [_pupil_view(p) for p in await search_pupils(ports, principal, search)]}

    @api.get("/my/concerns", tags=["concerns"], openapi_extra=who_may(*SCHOOL_ROLES))
    async def receipts(
        principal: CurrentUser, query: Annotated[MyConcernsQuery, Query()]
    ) -> dict[str, Any]:
        """The receipts of the concerns the caller recorded, newest first."""
        found = await my_concerns(ports, principal, query)
        return {"concerns": [{"status": "received", **vars(r)} for r in found]}

    @api.get(
        "/schools",
        tags=["schools"],
        openapi_extra=for_anyone(*SCHOOL_ROLES, trust_wide=[*TRUST_ROLES]),
    )
    async def schools(principal: CurrentUser) -> dict[str, Any]:
        """The caller's school, or every school of their trust."""
        return {"schools": [_school_view(s) for s in await list_schools(ports, principal)]}

    return api


def _pupil_view(pupil: Document) -> dict[str, Any]:
    fields = ("pupil_id", "forename", "preferred_forename", "surname", "date_of_birth")
    return {**{f: pupil.get(f) for f in fields}, "on_roll_to": pupil.get("on_roll_to")}


def _school_view(school: Document) -> dict[str, Any]:
    return {
        "school_id": school["_id"],
        "name": school.get("name"),
        "trust_id": school["trust_id"],
        "urn": school.get("urn"),
    }
