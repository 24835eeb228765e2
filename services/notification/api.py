"""notification's HTTP API for alerts: the in-app list, one alert with its deliveries and
escalation steps, and acknowledgement."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, status

from contracts.envelope import utc_now
from services.common.auth import Principal
from services.common.locks import LockBusy
from services.common.store import Document
from services.common.web import not_found
from services.notification.access import alert_scope
from services.notification.acknowledgements import Acknowledger
from services.notification.domain.alerts import alert_view
from services.notification.domain.delivery import delivery_view
from services.notification.domain.steps import step_view
from services.notification.rotas import RotaBook
from services.notification.store import NotificationStore

AlertId = Annotated[str, Path(min_length=1, max_length=128)]


def router(
    store: NotificationStore, rotas: RotaBook, acknowledger: Acknowledger, principal_dep: Any
) -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["alerts"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    async def visible_alert(principal: Principal, alert_id: str) -> Document:
        scope = await alert_scope(principal, rotas)
        alert = None if scope is None else await store.alerts.find_one({"_id": alert_id, **scope})
        if alert is None:
            raise not_found("alert")
        return alert

    @api.get("/alerts")
    async def list_alerts(
        principal: CurrentUser,
        school_id: Annotated[str | None, Query(max_length=64)] = None,
        acknowledged: bool | None = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> dict[str, Any]:
        """Alerts of the caller's school (or trust), newest first."""
        scope = await alert_scope(principal, rotas, school_id)
        if scope is None:
            raise not_found("school")
        query: dict[str, Any] = dict(scope)
        if acknowledged is not None:
            query["acknowledged_at"] = {"$ne": None} if acknowledged else None
        cursor = store.alerts.find(query).sort("created_at", -1).limit(limit)
        return {"alerts": [alert_view(a) async for a in cursor]}

    @api.get("/alerts/{alert_id}")
    async def get_alert(alert_id: AlertId, principal: CurrentUser) -> dict[str, Any]:
        """One alert with the escalation steps taken and every delivery's state."""
        alert = await visible_alert(principal, alert_id)
        steps = store.steps.find({"alert_id": alert_id}).sort("tier", 1)
        deliveries = store.deliveries.find({"alert_id": alert_id})
        delivery_views = sorted(
            [delivery_view(d) async for d in deliveries],
            key=lambda d: (d["tier"], d["user_id"], d["channel"]),
        )
        return {
            **alert_view(alert),
            "steps": [step_view(s) async for s in steps],
            "deliveries": delivery_views,
        }

    @api.post("/alerts/{alert_id}/ack")
    async def acknowledge(alert_id: AlertId, principal: CurrentUser) -> dict[str, Any]:
        """A member of the school's rota has read it: stops escalation. Idempotent."""
        alert = await visible_alert(principal, alert_id)
        if not await rotas.is_member(alert["school_id"], principal.user_id):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, "only members of the school's rota may acknowledge"
            )
        if alert["acknowledged_at"] is not None:
            return alert_view(alert)  # the first acknowledgement stands
        try:
            acknowledged = await acknowledger.acknowledge(
                alert_id, principal.user_id, principal.primary_role or None, utc_now()
            )
        except LockBusy:
            raise HTTPException(
                status.HTTP_503_SERVICE_UNAVAILABLE,
                "the alert is being updated; try again",
                headers={"Retry-After": "1"},
            ) from None
        return alert_view(acknowledged)

    return api
