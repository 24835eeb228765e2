"""notification's subscribers: thin translations from events to stored effects."""

from __future__ import annotations

from contracts import case_v1, intake_v1
from contracts.case_v1 import phase_event_id
from contracts.envelope import Envelope, utc_now
from contracts.vocabulary import Priority
from services.common.locks import lock_key
from services.common.outbox import with_outbox
from services.common.runtime import ServiceRuntime
from services.common.store import Document, insert_if_absent, upsert_if_newer
from services.notification.domain.alerts import (
    alert_for_concern,
    alert_for_deadline,
    alert_for_encompass,
)
from services.notification.domain.escalation import EventReason
from services.notification.escalator import Escalator
from services.notification.store import NotificationStore

_DEADLINE_REASONS: dict[str, EventReason] = {
    case_v1.DEADLINE_APPROACHING: "deadline_approaching",
    case_v1.DEADLINE_BREACHED: "deadline_breached",
}


def register(runtime: ServiceRuntime, store: NotificationStore, escalator: Escalator) -> None:
    # Alerts carry an (empty) outbox from the start: acknowledging one appends its event.
    async def new_alert(alert: Document) -> None:
        # The escalator takes the first steps; waking it keeps that immediate. The alert
        # goes first (a timer without its alert is cleared): a crash before the timer is
        # written leaves the event unacknowledged, and its redelivery writes it.
        await insert_if_absent(store.alerts, with_outbox(alert, []))
        await store.alert_timers.set(alert["_id"], alert["next_step_at"])
        escalator.wake()

    async def concern_raised(event: Envelope[intake_v1.ConcernRaised]) -> None:
        await new_alert(alert_for_concern(event, utc_now()))

    async def encompass_notified(event: Envelope[intake_v1.EncompassNotified]) -> None:
        await new_alert(alert_for_encompass(event, utc_now()))

    async def encompass_amended(event: Envelope[intake_v1.EncompassAmended]) -> None:
        # The alert of the first notification gains the newer content (never an older one).
        notice = event.payload
        # The alert's id is the first notification's event id (lookups by `_id` only).
        alert = await store.alerts.find_one({"_id": notice.notified_event_id})
        if alert is None or alert["school_id"] != event.school_id:
            return
        async with runtime.locks.hold(lock_key(store.alerts, alert["_id"])):
            current = await store.alerts.find_one({"_id": alert["_id"]})
            if current is not None and (current.get("revision") or 0) < notice.revision:
                content = notice.model_dump(mode="json", exclude={"notified_event_id"})
                await store.alerts.update_one(
                    {"_id": alert["_id"]},
                    {"$set": {"revision": notice.revision, "content": content}},
                )

    async def deadline_changed(event: Envelope[case_v1.DeadlineChanged]) -> None:
        reason = _DEADLINE_REASONS[event.event_type]
        alert = await _alert_to_escalate(store, event)
        if alert is None:
            origin = await _alert_of_school(store, event.payload.source_event_id, event.school_id)
            priority = Priority(origin["priority"]) if origin else Priority.NORMAL
            alert = with_outbox(alert_for_deadline(event, priority, utc_now()), [])
            await insert_if_absent(store.alerts, alert)
        await escalator.escalate_now(alert["_id"], event.school_id, reason, event.event_id)

    async def school_recorded(event: Envelope[intake_v1.SchoolRecorded]) -> None:
        school = event.payload
        await upsert_if_newer(
            store.schools,
            school.school_id,
            {"name": school.name, "trust_id": school.trust_id, "school_id": school.school_id},
            event.occurred_at,
        )

    runtime.consume(
        "notification.alerts",
        {
            intake_v1.CONCERN_RAISED: concern_raised,
            intake_v1.ENCOMPASS_NOTIFIED: encompass_notified,
            intake_v1.ENCOMPASS_AMENDED: encompass_amended,
        },
    )
    runtime.consume(
        "notification.deadlines",
        {
            case_v1.DEADLINE_APPROACHING: deadline_changed,
            case_v1.DEADLINE_BREACHED: deadline_changed,
        },
    )
    runtime.consume("notification.directory", {intake_v1.SCHOOL_RECORDED: school_recorded})


async def _alert_to_escalate(
    store: NotificationStore, event: Envelope[case_v1.DeadlineChanged]
) -> Document | None:
    """The alert a deadline event climbs: the one it already climbed (a redelivery), else
    the unacknowledged alert that started the deadline, else an unacknowledged alert made
    for an earlier phase of the same deadline. None: the deadline needs an alert of its own."""
    trigger = await store.triggers.find_one({"_id": event.event_id})
    if trigger is not None:
        return await store.alerts.find_one({"_id": trigger["alert_id"]})
    deadline = event.payload
    # By `_id` only: the alert that started the deadline has the source event's id, and an
    # alert made for the approaching phase has that phase event's id.
    for alert_id in (
        deadline.source_event_id,
        phase_event_id(deadline.deadline_id, "approaching"),
    ):
        alert = await _alert_of_school(store, alert_id, event.school_id)
        if alert is not None and alert["acknowledged_at"] is None:
            return alert
    return None


async def _alert_of_school(
    store: NotificationStore, alert_id: str, school_id: str
) -> Document | None:
    alert = await store.alerts.find_one({"_id": alert_id})
    return alert if alert is not None and alert["school_id"] == school_id else None
