"""A concern was raised, or the police notified the school: the DSLs' alert.

The alert's id is the event's, so a redelivered event finds it stored and changes nothing.
The escalator takes its first steps at once (it is woken, and the alert's timer is due now).
"""

from __future__ import annotations

from contracts.envelope import Envelope
from contracts.intake_v1 import ConcernRaised, EncompassNotified
from services.common.store import Document
from services.notification.domain.alerts import alert_for_concern, alert_for_encompass
from services.notification.ports import NotificationPorts


async def raise_alert_for_concern(ports: NotificationPorts, event: Envelope[ConcernRaised]) -> bool:
    """False if the event was seen before."""
    return await _raise(ports, alert_for_concern(event, ports.clock.now()))


async def raise_alert_for_police_notification(
    ports: NotificationPorts, event: Envelope[EncompassNotified]
) -> bool:
    """For the Key Adults. False if the event was seen before."""
    return await _raise(ports, alert_for_encompass(event, ports.clock.now()))


async def _raise(ports: NotificationPorts, alert: Document) -> bool:
    # Alerts carry an (empty) outbox from the start: acknowledging one appends its event.
    inserted = await ports.writer.insert(ports.store.alerts, alert, [])
    # The alert goes first (a timer without its alert is cleared): a crash before the timer
    # is written leaves the event unacknowledged, and its redelivery writes it.
    await ports.store.alert_timers.set(alert["_id"], alert["next_step_at"])
    ports.signals.escalation.set()
    if inserted:
        ports.metrics.alert_raised(alert["source_type"])
    return inserted
