"""notification's HTTP API: the in-app list of alerts for a school's DSLs."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from services.common.auth import SAFEGUARDING_READERS, Principal
from services.common.web import not_found
from services.notification.domain.alerts import alert_view
from services.notification.store import NotificationStore


def router(store: NotificationStore, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["alerts"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.get("/alerts")
    async def list_alerts(
        principal: CurrentUser,
        school_id: Annotated[str | None, Query(max_length=64)] = None,
        acknowledged: bool | None = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> dict[str, Any]:
        """Alerts of the caller's school (or trust), newest first."""
        scope = principal.tenant_filter(school_id)
        if scope is None or not principal.has_any(SAFEGUARDING_READERS):
            raise not_found("school")
        query: dict[str, Any] = dict(scope)
        if acknowledged is not None:
            query["acknowledged_at"] = {"$ne": None} if acknowledged else None
        cursor = store.alerts.find(query).sort("created_at", -1).limit(limit)
        return {"alerts": [alert_view(a) async for a in cursor]}

    return api
