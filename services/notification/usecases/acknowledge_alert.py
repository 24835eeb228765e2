"""A member of the school's rota acknowledges an alert: records who and when, stops the
escalation, and publishes notification.alert.acknowledged.v1 once (it meets the
encompass-before-school deadline).

The first acknowledgement stands: a second changes nothing and publishes nothing. The
check and the write run under the alert's lock (through the writer), so two at once cannot
both win; the event's id is derived from the alert's, which keeps even a repeated publish
one event."""

from __future__ import annotations

import logging

from services.common.auth import Principal
from services.common.errors import Forbidden, NotFound
from services.common.store import Document
from services.notification.domain.alerts import acknowledgement, alert_acknowledged
from services.notification.ports import NotificationPorts
from services.notification.usecases.read_alerts import visible_alert

log = logging.getLogger("harbour.notification.acknowledgements")


async def acknowledge_alert(
    ports: NotificationPorts, principal: Principal, alert_id: str
) -> Document:
    """The alert as acknowledged (by this caller, or by whoever was first)."""
    alert = await visible_alert(ports, principal, alert_id)
    if not await ports.store.is_rota_member(alert["school_id"], principal.user_id):
        raise Forbidden("only members of the school's rota may acknowledge")
    if alert["acknowledged_at"] is not None:
        return alert
    async with ports.writer.edit(ports.store.alerts, alert_id) as edit:
        if edit.current is None:
            raise NotFound("alert")
        if edit.current["acknowledged_at"] is not None:
            return edit.current
        now = ports.clock.now()
        edit.set(acknowledgement(principal.user_id, now))
        edit.emit(
            alert_acknowledged(edit.current, principal.user_id, principal.primary_role or None, now)
        )
    # Acknowledgement is final, so its timer can go after the write (no lock needed).
    await ports.store.alert_timers.clear(alert_id)
    log.info("alert acknowledged", extra={"alert_id": alert_id, "user_id": principal.user_id})
    return edit.document
