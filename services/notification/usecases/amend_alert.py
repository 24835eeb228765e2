"""The police amended a notification: its alert shows the newer content (never an older one).

The alert is the first notification's (its id is that event's id); an amendment of a
notification that raised no alert here, or of another school's, changes nothing."""

from __future__ import annotations

from contracts.envelope import Envelope
from contracts.intake_v1 import EncompassAmended
from services.notification.domain.alerts import amendment
from services.notification.ports import NotificationPorts


async def amend_alert(ports: NotificationPorts, event: Envelope[EncompassAmended]) -> bool:
    """True if the alert gained the amendment's content."""
    notice = event.payload
    if notice.notified_event_id is None:
        return False
    async with ports.writer.edit(ports.store.alerts, notice.notified_event_id) as alert:
        if alert.current is None or alert.current["school_id"] != event.school_id:
            return False
        fields = amendment(alert.current, notice)
        if fields is None:
            return False
        alert.set(fields)
    return True
