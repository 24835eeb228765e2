"""Climbing an alert's escalation ladder, stored rather than held in memory.

An alert carries `next_step_at` (when to look at it next), mirrored in the alert_timers
collection the escalation loop polls. Three things climb it, each under the alert's lock
through the writer (the outbox relay writes alerts too):

- `take_due_steps`: the loop found the alert's timer due: take the steps due now (a new
  alert's first steps, or timer steps) and set when to look again;
- `climb_for_event`: a deadline approaching or breached, or a delivery that finally failed,
  climbs at once;
- `start_waiting_alerts`: alerts that waited for the school's rota start when it arrives.

Exactly once per tier: a step's id is `step_id(alert_id, tier)` and it is inserted only if
absent, so a replica or a restart that races another cannot notify a tier twice. An event
is recorded as a trigger (id = the event's key) with the tiers it chose, so a redelivered
event re-takes the same tiers (harmlessly) instead of climbing further.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from contracts.vocabulary import Priority
from services.common.document_edit import DocumentEdit
from services.common.errors import Busy
from services.common.store import Document
from services.notification.domain.delivery import planned_deliveries
from services.notification.domain.escalation import (
    EventReason,
    Step,
    next_timer_step,
    step_id,
    steps_due,
    steps_for_event,
)
from services.notification.domain.rota import MAX_TIERS, Rota
from services.notification.domain.steps import (
    step_document,
    step_members,
    step_of,
    trigger_document,
    trigger_steps,
)
from services.notification.ports import NotificationPorts

log = logging.getLogger("harbour.notification.escalation")


async def take_due_steps(ports: NotificationPorts, alert_id: str) -> bool:
    """The loop's work for one alert whose timer is due. False when there was nothing to
    do, or another replica (or the relay) holds the alert: its timer stays due."""
    try:
        async with ports.writer.edit(ports.store.alerts, alert_id, wait_seconds=0) as alert:
            return await _take_due_steps(ports, alert)
    except Busy:
        return False


async def _take_due_steps(ports: NotificationPorts, alert: DocumentEdit) -> bool:
    store, current, now = ports.store, alert.current, ports.clock.now()
    if current is None or current["acknowledged_at"] or current["next_step_at"] is None:
        await store.alert_timers.clear(alert.id)
        return False
    if current["next_step_at"] > now:
        await store.alert_timers.set(alert.id, current["next_step_at"])
        return False
    rota = await store.rota(current["school_id"])
    stored = await _steps_of(ports, current)
    for document in stored:
        if not document["planned"]:
            await _plan(ports, document, now)  # a crash came between step and deliveries
    taken = [step_of(document) for document in stored]
    priority, created_at = Priority(current["priority"]), current["created_at"]
    due = steps_due(priority, created_at, taken, rota, now) if rota is not None else []
    taken += [await _take_step(ports, current, step, rota, now) for step in due]
    following = next_timer_step(priority, created_at, taken, rota) if rota is not None else None
    await _record(ports, alert, taken, following.at if following else None)
    _set_changed(alert, {"awaiting_rota": rota is None})
    return True


async def climb_for_event(
    ports: NotificationPorts, alert_id: str, school_id: str, reason: EventReason, key: str
) -> list[int]:
    """Climb at once for an event (`key` names it); returns the tiers (0-based) it reached.
    An acknowledged alert climbs no further: acknowledgement stops the ladder."""
    store = ports.store
    async with ports.writer.edit(store.alerts, alert_id) as alert:
        current = alert.current
        if current is None or current["school_id"] != school_id or current["acknowledged_at"]:
            return []
        now = ports.clock.now()
        rota = await store.rota(school_id)
        taken = [step_of(document) for document in await _steps_of(ports, current)]
        trigger = await _trigger(ports, current, reason, key, taken, rota, now)
        for step in trigger_steps(trigger):
            taken.append(await _take_step(ports, current, step, rota, now))
        # The timer counts from the latest step: the loop works out the next one now.
        await _record(ports, alert, taken, now)
    ports.signals.escalation.set()
    return list(trigger["tiers"])


async def alert_climbed_by(ports: NotificationPorts, key: str) -> str | None:
    """The alert an event (named by `key`) has climbed already: it is being redelivered."""
    trigger = await ports.store.trigger(key)
    return trigger["alert_id"] if trigger is not None else None


async def start_waiting_alerts(ports: NotificationPorts, school_id: str) -> int:
    """Alerts that waited for the school's rota start climbing now; returns how many."""
    started = 0
    for alert_id in await ports.store.alerts_awaiting_rota(school_id):
        async with ports.writer.edit(ports.store.alerts, alert_id) as alert:
            if alert.current is None or alert.current["acknowledged_at"] is not None:
                continue
            now = ports.clock.now()
            await ports.store.alert_timers.set(alert_id, now)
            alert.set({"next_step_at": now})
            started += 1
    ports.signals.escalation.set()
    return started


async def _trigger(
    ports: NotificationPorts,
    alert: Document,
    reason: EventReason,
    key: str,
    taken: Sequence[Step],
    rota: Rota | None,
    now: datetime,
) -> Document:
    """The tiers this event climbs, decided once and remembered under the event's key."""
    trigger = await ports.store.trigger(key)
    if trigger is not None:
        return trigger
    tiers = []
    if rota is not None:
        tiers = [step.tier for step in steps_for_event(reason, taken, rota, now)]
    trigger = trigger_document(alert, key, reason, tiers, now)
    await ports.store.add_trigger(trigger)
    return trigger


async def _take_step(
    ports: NotificationPorts, alert: Document, step: Step, rota: Rota | None, now: datetime
) -> Step:
    """Store the step (once per tier) and plan its deliveries; returns it as stored."""
    document = step_document(alert, step, step_members(rota, step.tier, alert), now)
    if await ports.store.add_step(document):
        log.info(
            "escalation step taken",
            extra={"alert_id": alert["_id"], "tier": step.tier, "reason": step.reason},
        )
        ports.metrics.step_taken(step.reason)
    else:
        stored = await ports.store.step(document["_id"])
        if stored is None:
            return step
        document = stored
    if not document["planned"]:
        await _plan(ports, document, now)
    return step_of(document)


async def _plan(ports: NotificationPorts, step: Document, now: datetime) -> None:
    # Delivery first, then its timer: a crash in between leaves the step unplanned, and
    # planning it again sets the timer (a spurious one is cleared by the delivery loop).
    store = ports.store
    for delivery in planned_deliveries(step, ports.channels, now):
        if await store.add_delivery(delivery) and delivery["state"] == "disabled":
            ports.metrics.delivery(delivery["channel"], "disabled")
        if delivery["next_attempt_at"] is not None:
            await store.delivery_timers.set(delivery["_id"], delivery["next_attempt_at"])
    await store.mark_step_planned(step["_id"])
    ports.signals.deliveries.set()


async def _steps_of(ports: NotificationPorts, alert: Document) -> list[Document]:
    """The alert's steps, by `_id` (one per tier): the tiers the alert lists, or every
    possible tier for an alert stored before it listed them."""
    tiers = alert.get("step_tiers")
    if tiers is None:
        tiers = range(MAX_TIERS)
    return await ports.store.steps_by_id(step_id(alert["_id"], t) for t in sorted(set(tiers)))


async def _record(
    ports: NotificationPorts, alert: DocumentEdit, taken: Sequence[Step], next_at: datetime | None
) -> None:
    """Store on the alert the tiers it has reached (so reading its steps needs no search)
    and when to look at it next. The timer is set before the write that makes the alert
    due; when nothing more is due, it is cleared after the write, still under the alert's
    lock (a rota change that starts the alert again sets it under the same lock)."""
    if next_at is not None:
        await ports.store.alert_timers.set(alert.id, next_at)
    else:
        alert.after_write(lambda: ports.store.alert_timers.clear(alert.id))
    listed = set((alert.current or {}).get("step_tiers") or [])
    tiers = sorted(listed | {step.tier for step in taken})
    _set_changed(alert, {"next_step_at": next_at, "step_tiers": tiers})


def _set_changed(alert: DocumentEdit, fields: Mapping[str, Any]) -> None:
    """Set only what differs, so that a look that changes nothing writes nothing."""
    current = alert.current or {}
    changed = {name: value for name, value in fields.items() if current.get(name) != value}
    if changed:
        alert.set(changed)
