"""GET /v1/my/concerns: the receipts of the concerns the caller recorded, newest first."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from services.common.auth import Principal
from services.common.web import not_found
from services.intake.store import IntakeStore
from services.intake.usecases.my_concerns import MyConcernsQuery, NotAtASchool, my_concerns


def router(store: IntakeStore, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["concerns"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.get("/my/concerns")
    async def receipts(
        principal: CurrentUser, query: Annotated[MyConcernsQuery, Query()]
    ) -> dict[str, Any]:
        try:
            found = await my_concerns(principal, query, store)
        except NotAtASchool:
            raise not_found("school") from None
        return {"concerns": found}

    return api
