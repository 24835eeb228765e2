"""notification's HTTP API for the operators' alerts (dead letters), content-free."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from contracts.vocabulary import Role
from services.common.auth import Principal
from services.common.openapi_answers import who_may
from services.common.store import Document
from services.notification.ports import NotificationPorts
from services.notification.usecases.read_operations_alerts import read_operations_alerts


def router(ports: NotificationPorts, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["operations"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.get("/operations/alerts", openapi_extra=who_may(trust_wide=[Role.ADMIN]))
    async def get_operations_alerts(
        principal: CurrentUser, limit: Annotated[int, Query(ge=1, le=500)] = 100
    ) -> dict[str, Any]:
        """Messages dead-lettered in any service that named the caller's trust, newest
        first (trust-wide admins)."""
        alerts = await read_operations_alerts(ports, principal, limit)
        return {"alerts": [operations_alert_view(a) for a in alerts]}

    return api


def operations_alert_view(alert: Document) -> dict[str, Any]:
    return {
        "alert_id": alert["_id"],
        "service": alert["service"],
        "queue": alert["queue"],
        "reason": alert["reason"],
        "event_type": alert["event_type"],
        "message_id": alert["message_id"],
        "died_at": alert["died_at"],
        "created_at": alert["created_at"],
    }
