"""notification's HTTP API for alerts: the in-app list, one alert with its escalation steps
and every delivery's state, and acknowledgement. Views show no addresses."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from contracts.vocabulary import Role
from services.common.auth import DSL_ROLES, Principal
from services.common.json_body import json_response
from services.common.openapi_answers import FORBIDDEN, who_may
from services.common.store import Document
from services.notification.ports import NotificationPorts
from services.notification.usecases.acknowledge_alert import acknowledge_alert
from services.notification.usecases.read_alerts import list_alerts, read_alert

AlertId = Annotated[str, Path(min_length=1, max_length=128)]


def router(ports: NotificationPorts, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["alerts"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.get(
        "/alerts", openapi_extra=who_may(*DSL_ROLES, trust_wide=[Role.TRUST_SAFEGUARDING_LEAD])
    )
    async def get_alerts(
        principal: CurrentUser,
        school_id: Annotated[str | None, Query(max_length=64)] = None,
        acknowledged: bool | None = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> Response:
        """Alerts of the caller's school (or trust), newest first."""
        alerts = await list_alerts(ports, principal, school_id, acknowledged, limit)
        return json_response({"alerts": [alert_view(a) for a in alerts]})

    @api.get(
        "/alerts/{alert_id}",
        openapi_extra=who_may(*DSL_ROLES, trust_wide=[Role.TRUST_SAFEGUARDING_LEAD]),
    )
    async def get_alert(alert_id: AlertId, principal: CurrentUser) -> dict[str, Any]:
        """One alert with the escalation steps taken and every delivery's state."""
        detail = await read_alert(ports, principal, alert_id)
        return {
            **alert_view(detail.alert),
            "steps": [step_view(s) for s in detail.steps],
            "deliveries": [delivery_view(d) for d in detail.deliveries],
        }

    @api.post(
        "/alerts/{alert_id}/ack",
        openapi_extra=who_may(*DSL_ROLES, trust_wide=[Role.TRUST_SAFEGUARDING_LEAD]),
        responses=FORBIDDEN,
    )
    async def acknowledge(alert_id: AlertId, principal: CurrentUser) -> dict[str, Any]:
        """A member of the school's rota has read it: stops escalation. Idempotent."""
        return alert_view(await acknowledge_alert(ports, principal, alert_id))

    return api


def alert_view(alert: Document) -> dict[str, Any]:
    return {
        "alert_id": alert["_id"],
        "school_id": alert["school_id"],
        "pupil_id": alert["pupil_id"],
        "source_id": alert["source_id"],
        "source_type": alert["source_type"],
        "priority": alert["priority"],
        "created_at": alert["created_at"],
        "acknowledged_at": alert["acknowledged_at"],
        "acknowledged_by": alert["acknowledged_by"],
        "revision": alert.get("revision"),
        "content": alert.get("content"),
        "rule": alert.get("rule"),
        "pattern": alert.get("pattern"),
        # In Harbour only: never in an e-mail or text.
        "flags": alert.get("flags", []),
        "next_escalation_at": alert.get("next_step_at"),
        "awaiting_rota": alert.get("awaiting_rota", False),
    }


def step_view(step: Document) -> dict[str, Any]:
    """Tiers count from 1 here, as people say them ("tier 1 at once")."""
    return {
        "step_id": step["_id"],
        "tier": step["tier"] + 1,
        "reason": step["reason"],
        "due_at": step["at"],
        "taken_at": step["taken_at"],
        "recipients": [{"user_id": r["user_id"], "name": r["name"]} for r in step["recipients"]],
    }


def delivery_view(delivery: Document) -> dict[str, Any]:
    return {
        "delivery_id": delivery["_id"],
        "tier": delivery["tier"] + 1,
        "user_id": delivery["user_id"],
        "channel": delivery["channel"],
        "state": delivery["state"],
        "attempts": delivery["attempts"],
        "last_error": delivery["last_error"],
        "sent_at": delivery["sent_at"],
        "next_attempt_at": delivery["next_attempt_at"],
    }
