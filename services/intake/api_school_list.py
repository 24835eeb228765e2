"""GET /v1/schools: the schools the caller may see (a trust's overview lists them)."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from services.common.auth import Principal
from services.intake.store import IntakeStore
from services.intake.usecases.list_schools import list_schools


def router(store: IntakeStore, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["schools"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.get("/schools")
    async def schools(principal: CurrentUser) -> dict[str, Any]:
        return {"schools": await list_schools(principal, store)}

    return api
