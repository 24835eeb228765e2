"""A concern was raised, the police notified the school, an action on a child's case is
overdue, or a pattern was found in a child's recent events: the DSLs' alert.

The alert's id is the event's, so a redelivered event finds it stored and changes nothing.
The escalator takes its first steps at once (it is woken, and the alert's timer is due now);
at a school with no rota yet the alert is stored waiting for one.
"""

from __future__ import annotations

from collections.abc import Sequence

from contracts.case_v1 import ActionOverdue, PatternDetected
from contracts.envelope import Envelope
from contracts.intake_v1 import ConcernRaised, EncompassNotified
from services.common.store import Document
from services.notification.domain.alerts import (
    alert_for_concern,
    alert_for_encompass,
    alert_for_overdue_action,
    alert_for_pattern,
)
from services.notification.ports import NotificationPorts
from services.notification.usecases.escalate import start_waiting_alerts


async def raise_alert_for_concern(ports: NotificationPorts, event: Envelope[ConcernRaised]) -> bool:
    """False if the event was seen before."""
    return await raise_alert(ports, alert_for_concern(event, ports.clock.now()))


async def raise_alert_for_police_notification(
    ports: NotificationPorts, event: Envelope[EncompassNotified]
) -> bool:
    """For the Key Adults. False if the event was seen before."""
    return await raise_alert(ports, alert_for_encompass(event, ports.clock.now()))


async def raise_alerts_for_police_notifications(
    ports: NotificationPorts, events: Sequence[Envelope[EncompassNotified]]
) -> list[bool]:
    """A police batch's children (services.common.together): their alerts stored and their
    timers set as `raise_alert` does for one, in one write each. False for each seen before."""
    now = ports.clock.now()
    alerts = [alert_for_encompass(event, now) for event in events]
    if await ports.store.rota(events[0].school_id) is None:
        return await _raise_waiting(ports, alerts)
    seen = await ports.writer.insert_many(ports.store.alerts, alerts)
    await ports.store.alert_timers.set_many([(a["_id"], a["next_step_at"], {}) for a in alerts])
    ports.signals.escalation.set()
    for position, alert in enumerate(alerts):
        if position not in seen:
            ports.metrics.alert_raised(alert["source_type"])
    return [position not in seen for position in range(len(alerts))]


async def raise_alert_for_overdue_action(
    ports: NotificationPorts, event: Envelope[ActionOverdue]
) -> bool:
    """For the DSL rota and the action's owner. False if the event was seen before."""
    return await raise_alert(ports, alert_for_overdue_action(event, ports.clock.now()))


async def raise_alert_for_pattern(
    ports: NotificationPorts, event: Envelope[PatternDetected]
) -> bool:
    """For the DSL rota, at normal priority. False if the event was seen before."""
    return await raise_alert(ports, alert_for_pattern(event, ports.clock.now()))


async def raise_alert(ports: NotificationPorts, alert: Document) -> bool:
    """Store a new alert and start its ladder; False if its event was seen before."""
    if alert["next_step_at"] is not None and await ports.store.rota(alert["school_id"]) is None:
        return await _raise_waiting(ports, [alert]) == [True]
    # Alerts carry an (empty) outbox from the start: acknowledging one appends its event.
    inserted = await ports.writer.insert(ports.store.alerts, alert, [])
    # The alert goes first (a timer without its alert is cleared): a crash before the timer
    # is written leaves the event unacknowledged, and its redelivery writes it.
    await ports.store.alert_timers.set(alert["_id"], alert["next_step_at"])
    ports.signals.escalation.set()
    if inserted:
        ports.metrics.alert_raised(alert["source_type"])
    return inserted


async def _raise_waiting(ports: NotificationPorts, alerts: Sequence[Document]) -> list[bool]:
    """Alerts of a school with no rota (as this process last knew it): stored waiting for
    one, as the escalator's first look would leave them, without a timer. The rota is then
    read from the store: one stored meanwhile was stored before `set_rota` listed the
    waiting alerts, or is seen here, and the alerts start climbing either way."""
    waiting = [{**alert, "next_step_at": None, "awaiting_rota": True} for alert in alerts]
    seen = await ports.writer.insert_many(ports.store.alerts, waiting)
    school_id = alerts[0]["school_id"]
    if await ports.store.rota_document(school_id) is not None:
        ports.store.rota_cache.forget(school_id)
        await start_waiting_alerts(ports, school_id)
    for position, alert in enumerate(waiting):
        if position not in seen:
            ports.metrics.alert_raised(alert["source_type"])
    return [position not in seen for position in range(len(waiting))]
