"""POST /v1/pupils/search: pupils of the caller's school by name (a POST, so that a
child's name never appears in a URL, a proxy log or the browser history)."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from services.common.auth import Principal
from services.common.web import not_found
from services.intake.store import IntakeStore
from services.intake.usecases.search_pupils import NotAtASchool, PupilSearch, search_pupils


def router(store: IntakeStore, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["pupils"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.post("/pupils/search")
    async def search(search: PupilSearch, principal: CurrentUser) -> dict[str, Any]:
        """Any member of staff at a school: up to `limit` pupils of that school."""
        try:
            found = await search_pupils(principal, search, store)
        except NotAtASchool:
            raise not_found("school") from None
        return {"pupils": found}

    return api
