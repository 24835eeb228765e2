"""Reading alerts: the in-app list, and one alert with its escalation steps and deliveries,
each with its child's flags (a child protection plan, looked after, SEND).

DSLs and the trust safeguarding lead see their school's (or trust's) alerts, and so does
every member of the school's rota; anyone else is told there is nothing to see."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.auth import Principal
from services.common.errors import NotFound
from services.common.store import Document
from services.notification.access import alert_scope
from services.notification.ports import NotificationPorts
from services.notification.usecases.record_child_flags import with_child_flags


@dataclass(frozen=True)
class AlertDetail:
    alert: Document
    steps: list[Document]  # lowest tier first
    deliveries: list[Document]  # by tier, person, channel


async def list_alerts(
    ports: NotificationPorts,
    principal: Principal,
    school_id: str | None = None,
    acknowledged: bool | None = None,
    limit: int = 100,
) -> list[Document]:
    """The caller's school's (or trust's) alerts, newest first."""
    scope = await alert_scope(ports.store, principal, school_id)
    if scope is None:
        raise NotFound("school")
    alerts = await ports.store.alerts_in(scope, acknowledged, limit)
    return await with_child_flags(ports, alerts)


async def visible_alert(ports: NotificationPorts, principal: Principal, alert_id: str) -> Document:
    scope = await alert_scope(ports.store, principal)
    alert = None if scope is None else await ports.store.alert_in(scope, alert_id)
    if alert is None:
        raise NotFound("alert")
    return alert


async def read_alert(ports: NotificationPorts, principal: Principal, alert_id: str) -> AlertDetail:
    alert = await visible_alert(ports, principal, alert_id)
    [alert] = await with_child_flags(ports, [alert])
    return AlertDetail(
        alert,
        await ports.store.steps_of_alert(alert_id),
        await ports.store.deliveries_of_alert(alert_id),
    )
