"""A statutory deadline is approaching or was breached: the alert behind it climbs.

The alert climbed is the one this event climbed before (a redelivery: no further), else the
unacknowledged alert that started the deadline, else an unacknowledged alert made for the
deadline's approaching phase. With none left open (none was raised, or it was acknowledged
but the deadline is still open), the deadline gets an alert of its own, as urgent as the
one that started it.

An adult case's deadline (its subject is the adult case) climbs no rota: its case managers
are told directly (alert_case_managers.py), since a DSL on the rota may be the adult."""

from __future__ import annotations

from contracts import case_v1
from contracts.envelope import Envelope
from contracts.vocabulary import Priority
from services.notification.domain.alerts import alert_for_deadline, alerts_a_deadline_climbs
from services.notification.domain.escalation import EventReason
from services.notification.ports import NotificationPorts
from services.notification.usecases.alert_case_managers import adult_deadline_reached
from services.notification.usecases.escalate import alert_climbed_by, climb_for_event

REASONS: dict[str, EventReason] = {
    case_v1.DEADLINE_APPROACHING: "deadline_approaching",
    case_v1.DEADLINE_BREACHED: "deadline_breached",
}


async def escalate_for_deadline(
    ports: NotificationPorts, event: Envelope[case_v1.DeadlineChanged]
) -> list[int]:
    """Returns the tiers (0-based) the event reached."""
    if event.subject.kind == "adult":
        await adult_deadline_reached(ports, event)
        return []
    alert_id = await _open_alert(ports, event) or await _alert_of_its_own(ports, event)
    return await climb_for_event(
        ports, alert_id, event.school_id, REASONS[event.event_type], event.event_id
    )


async def _open_alert(
    ports: NotificationPorts, event: Envelope[case_v1.DeadlineChanged]
) -> str | None:
    if climbed := await alert_climbed_by(ports, event.event_id):
        return climbed
    for alert_id in alerts_a_deadline_climbs(event.payload):
        alert = await ports.store.alert_of_school(alert_id, event.school_id)
        if alert is not None and alert["acknowledged_at"] is None:
            return alert_id
    return None


async def _alert_of_its_own(
    ports: NotificationPorts, event: Envelope[case_v1.DeadlineChanged]
) -> str:
    origin = await ports.store.alert_of_school(event.payload.source_event_id, event.school_id)
    priority = Priority(origin["priority"]) if origin else Priority.NORMAL
    alert = alert_for_deadline(event, priority, ports.clock.now())
    # Its id is fixed by the deadline: a redelivery, or the other phase handled at the same
    # time, finds it stored. Its first steps come from the event (no timer until then).
    await ports.writer.insert(ports.store.alerts, alert, [])
    return alert["_id"]
