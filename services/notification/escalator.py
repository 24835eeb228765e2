"""The escalation ladder, stored rather than held in memory.

An alert carries `next_step_at` (when its next timer step is due), mirrored in a small
timers collection that the loop polls (timers.py). The loop works on each due alert under
its document lock (services.common.locks: on FerretDB a conditional update is no
compare-and-set, and the outbox relay writes alerts too), takes the steps that are due,
and stores when to look again. Events (deadline approaching or
breached, a delivery that finally failed) climb at once through `escalate_now`.

Exactly once per tier: a step's id is `step_id(alert_id, tier)` and it is inserted only if
absent, so a replica or a restart that races another cannot notify a tier twice. An event
is recorded as a trigger (id = the event's id) with the tiers it chose, so a redelivered
event re-takes the same tiers (harmlessly) instead of climbing further.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Collection
from datetime import datetime

from contracts.envelope import utc_now
from contracts.vocabulary import Priority
from services.common.locks import DocumentLocks, lock_key
from services.common.store import Document, insert_if_absent
from services.notification.domain.delivery import Channel, planned_deliveries
from services.notification.domain.escalation import (
    EventReason,
    Step,
    due_timer_steps,
    initial_steps,
    next_timer_step,
    step_id,
    steps_for_event,
)
from services.notification.domain.rota import MAX_TIERS, Rota
from services.notification.domain.steps import step_document, step_of, tier_members
from services.notification.rotas import RotaBook
from services.notification.store import NotificationStore

log = logging.getLogger("harbour.notification.escalator")


class Escalator:
    def __init__(
        self,
        store: NotificationStore,
        rotas: RotaBook,
        locks: DocumentLocks,
        *,
        enabled_channels: Collection[Channel],
        deliveries_due: asyncio.Event,
        poll_seconds: float,
        batch: int = 100,
    ) -> None:
        self._store = store
        self._rotas = rotas
        self._locks = locks
        self._enabled = frozenset(enabled_channels)
        self._deliveries_due = deliveries_due
        self._poll = poll_seconds
        self._batch = batch
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        while True:
            self._wake.clear()
            try:
                await self.tick(utc_now())
            except Exception:
                log.exception("escalation pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._poll)

    async def tick(self, now: datetime) -> int:
        timers = self._store.alert_timers
        handled = 0
        for alert_id in await timers.due(now, self._batch):
            async with self._locks.attempt(lock_key(self._store.alerts, alert_id)) as held:
                if not held:
                    continue  # another replica is on it
                alert = await self._store.alerts.find_one({"_id": alert_id})
                if alert is None or alert["acknowledged_at"] or alert["next_step_at"] is None:
                    await timers.clear(alert_id)
                elif alert["next_step_at"] > now:
                    await timers.set(alert_id, alert["next_step_at"])
                else:
                    await self._advance(alert, utc_now())
                    handled += 1
        return handled

    async def _advance(self, alert: Document, now: datetime) -> None:
        rota = await self._rotas.current(alert["school_id"])
        stored = await self._steps_of(alert)
        for document in stored:
            if not document["planned"]:
                await self._plan(document, now)  # a crash came between step and deliveries
        taken = [step_of(d) for d in stored]
        priority = Priority(alert["priority"])
        new: list[Step] = []
        if rota is not None:
            new = (
                due_timer_steps(priority, alert["created_at"], taken, rota, now)
                if taken
                else initial_steps(priority, now, rota)
            )
        for step in new:
            await self._take_step(alert, step, rota, now)
        following = (
            next_timer_step(priority, alert["created_at"], [*taken, *new], rota)
            if rota is not None and (taken or new)
            else None
        )
        await self._schedule(alert["_id"], following.at if following else None)
        await self._store.alerts.update_one(
            {"_id": alert["_id"]}, {"$set": {"awaiting_rota": rota is None}}
        )

    async def escalate_now(
        self, alert_id: str, school_id: str, reason: EventReason, trigger_key: str
    ) -> list[int]:
        """Climb at once for an event; returns the tiers (0-based) the event reached."""
        async with self._locks.hold(lock_key(self._store.alerts, alert_id)):
            now = utc_now()
            alert = await self._store.alerts.find_one({"_id": alert_id})
            if alert is None or alert["school_id"] != school_id or alert["acknowledged_at"]:
                return []  # acknowledgement stops the ladder
            rota = await self._rotas.current(school_id)
            trigger = await self._trigger(alert, reason, trigger_key, rota, now)
            for tier in trigger["tiers"]:
                step = Step(tier, trigger["at"], trigger["reason"])
                await self._take_step(alert, step, rota, now)
            # The timer counts from the latest step: let the loop work out the next one.
            await self._schedule(alert_id, now)
        self.wake()
        return list(trigger["tiers"])

    async def _trigger(
        self, alert: Document, reason: EventReason, key: str, rota: Rota | None, now: datetime
    ) -> Document:
        """The tiers this event climbs, decided once and remembered under the event's key."""
        trigger = await self._store.triggers.find_one({"_id": key})
        if trigger is not None:
            return trigger
        taken = [step_of(d) for d in await self._steps_of(alert)]
        tiers = [s.tier for s in steps_for_event(reason, taken, rota, now)] if rota else []
        trigger = {
            "_id": key,
            "alert_id": alert["_id"],
            "trust_id": alert["trust_id"],
            "school_id": alert["school_id"],
            "reason": reason,
            "tiers": tiers,
            "at": now,
        }
        await insert_if_absent(self._store.triggers, trigger)
        return trigger

    async def _take_step(
        self, alert: Document, step: Step, rota: Rota | None, now: datetime
    ) -> None:
        document = step_document(alert, step, tier_members(rota, step.tier), now)
        inserted = await insert_if_absent(self._store.steps, document)
        # The alert lists its tiers, so that reading its steps needs no search (the caller
        # holds the alert's lock). A crash before this only costs a lookup of every tier.
        await self._store.alerts.update_one(
            {"_id": alert["_id"]}, {"$addToSet": {"step_tiers": step.tier}}
        )
        if inserted:
            log.info(
                "escalation step taken",
                extra={"alert_id": alert["_id"], "tier": step.tier, "reason": step.reason},
            )
        else:
            stored = await self._store.steps.find_one({"_id": document["_id"]})
            if stored is None or stored["planned"]:
                return
            document = stored
        await self._plan(document, now)

    async def _plan(self, step: Document, now: datetime) -> None:
        # Delivery first, then its timer: a crash in between leaves the step unplanned, and
        # planning it again sets the timer (a spurious one is cleared by the worker).
        for delivery in planned_deliveries(step, self._enabled, now):
            await insert_if_absent(self._store.deliveries, delivery)
            if delivery["next_attempt_at"] is not None:
                await self._store.delivery_timers.set(delivery["_id"], delivery["next_attempt_at"])
        await self._store.steps.update_one({"_id": step["_id"]}, {"$set": {"planned": True}})
        self._deliveries_due.set()

    async def _steps_of(self, alert: Document) -> list[Document]:
        """The alert's steps, by `_id` (one per tier): the tiers the alert lists, or every
        possible tier for an alert stored before it listed them."""
        tiers = alert.get("step_tiers")
        if tiers is None:
            tiers = range(MAX_TIERS)
        found = [
            await self._store.steps.find_one({"_id": step_id(alert["_id"], tier)})
            for tier in sorted(set(tiers))
        ]
        return [step for step in found if step is not None]

    async def after_rota_change(self, school_id: str) -> None:
        """Alerts that waited for a rota start climbing now."""
        waiting = {"school_id": school_id, "awaiting_rota": True, "acknowledged_at": None}
        ids = [a["_id"] async for a in self._store.alerts.find(waiting, projection={"_id": 1})]
        for alert_id in ids:
            async with self._locks.hold(lock_key(self._store.alerts, alert_id)):
                await self._schedule(alert_id, utc_now())
        self.wake()

    async def _schedule(self, alert_id: str, at: datetime | None) -> None:
        """Set when to look at the alert next (None: never), timer first (see timers.py).
        The caller holds the alert's lock."""
        if at is not None:
            await self._store.alert_timers.set(alert_id, at)
        await self._store.alerts.update_one({"_id": alert_id}, {"$set": {"next_step_at": at}})
        if at is None:
            await self._store.alert_timers.clear(alert_id)
