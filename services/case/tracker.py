"""The deadline tracker: fires `approaching` and `breached` exactly once per deadline,
marks deadlines met, and recomputes open ones when a school's calendar changes.

Every transition is one write that changes the state and appends the event to the
deadline's outbox together, made under the deadline's document lock after re-reading it,
so two replicas (or a restart) cannot fire twice. The scheduler polls a small timers
collection (services.common.timers), not the ever-growing deadlines.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

from contracts import case_v1
from contracts.case_v1 import DeadlineRule, phase_event_id
from contracts.envelope import Envelope, Subject, utc_now
from services.case.domain.calendar import SchoolCalendar
from services.case.domain.deadlines import (
    early_meet_key,
    phase_payload,
    schedule,
    trigger_of,
)
from services.case.store import CaseStore
from services.common.events import SYSTEM, make_envelope
from services.common.locks import DocumentLocks, lock_key
from services.common.outbox import OutboxRelay, merge_updates, push_events
from services.common.store import Document, insert_if_absent

log = logging.getLogger("harbour.case.tracker")

_PHASE_EVENTS = {
    "approaching": case_v1.DEADLINE_APPROACHING,
    "breached": case_v1.DEADLINE_BREACHED,
    "met": case_v1.DEADLINE_MET,
}


class DeadlineTracker:
    def __init__(
        self,
        store: CaseStore,
        relay: OutboxRelay,
        locks: DocumentLocks,
        *,
        interval_seconds: float,
        approaching_fraction: float,
        batch: int = 200,
    ) -> None:
        self.approaching_fraction = approaching_fraction
        self._store = store
        self._relay = relay
        self._locks = locks
        self._interval = interval_seconds
        self._batch = batch

    # -- the scheduler -------------------------------------------------------------------

    async def run(self) -> None:
        await self.sweep()
        while True:
            try:
                await self.tick(utc_now())
            except Exception:
                log.exception("deadline scheduler pass failed")
            await asyncio.sleep(self._interval)

    async def tick(self, now: datetime) -> int:
        await self._finish_recomputes()
        fired = 0
        for deadline_id in await self._store.deadline_timers.due(now, self._batch):
            # Another replica busy with this deadline will deal with it.
            key = lock_key(self._store.deadlines, deadline_id)
            async with self._locks.attempt(key) as held:
                if held:
                    fired += await self._advance(deadline_id, now)
        return fired

    async def sweep(self) -> int:
        """At start: a timer for every open deadline (one scan, so that nothing can be left
        without one, whatever happened before)."""
        found = 0
        async for deadline in self._store.deadlines.find({"status": "open"}):
            await self._reschedule(deadline)
            found += 1
        return found

    async def track(self, deadline: Document) -> None:
        """Start watching a newly stored deadline (after its insert; a redelivered event
        repeats this, so a crash in between is harmless)."""
        await self._reschedule(deadline)

    async def _advance(self, deadline_id: str, now: datetime) -> int:
        deadline = await self._store.deadlines.find_one({"_id": deadline_id})
        if deadline is None:
            await self._store.deadline_timers.clear(deadline_id)
            return 0
        events = []
        if deadline["status"] == "open" and deadline["due_at"] is not None:
            if deadline["due_at"] <= now:
                events = await self._fire_breached(deadline, now)
            elif not deadline["approaching_sent"] and deadline["approaching_at"] <= now:
                events = await self._fire_approaching(deadline, now)
        if events:
            self._relay.enqueue(self._store.deadlines, deadline_id)
            deadline = await self._store.deadlines.find_one({"_id": deadline_id})
        await self._reschedule(deadline)
        return len(events)

    async def _reschedule(self, deadline: Document | None) -> None:
        """The timer says when the deadline next needs looking at (none once it is closed
        or while the calendar cannot place it)."""
        if deadline is None:
            return
        timers = self._store.deadline_timers
        if deadline["status"] != "open" or deadline["due_at"] is None:
            await timers.clear(deadline["_id"])
        elif deadline["approaching_sent"]:
            await timers.set(deadline["_id"], deadline["due_at"])
        else:
            await timers.set(deadline["_id"], min(deadline["approaching_at"], deadline["due_at"]))

    async def _fire_approaching(self, deadline: Document, now: datetime) -> list[str]:
        update = merge_updates(
            {"$set": {"approaching_sent": True, "approaching_fired_at": now}},
            push_events([self._event(deadline, "approaching")]),
        )
        await self._store.deadlines.update_one({"_id": deadline["_id"]}, update)
        return ["approaching"]

    async def _fire_breached(self, deadline: Document, now: datetime) -> list[str]:
        # A deadline that passed while nobody ran the scheduler still warns before it breaches.
        phases = ["breached"] if deadline["approaching_sent"] else ["approaching", "breached"]
        update = merge_updates(
            {"$set": {"status": "breached", "breached_at": now, "approaching_sent": True}},
            push_events([self._event(deadline, phase) for phase in phases]),
        )
        await self._store.deadlines.update_one({"_id": deadline["_id"]}, update)
        return phases

    # -- meeting a deadline --------------------------------------------------------------

    async def meet(
        self, *, school_id: str, rule: DeadlineRule, source_id: str, met_by: str, met_at: datetime
    ) -> list[str]:
        """Mark the deadlines of `rule` for `source_id` met. If they have not been created yet
        (their event is still on its way to case), remember the meeting so that they are
        created met: each side checks again after it writes, so neither order loses it."""
        outcomes = await self._meet_matching(school_id, rule, source_id, met_by, met_at)
        if outcomes:
            return outcomes
        await insert_if_absent(
            self._store.early_meets,
            {
                "_id": early_meet_key(school_id, rule, source_id),
                "school_id": school_id,
                "met_by": met_by,
                "met_at": met_at,
            },
        )
        return await self._meet_matching(school_id, rule, source_id, met_by, met_at)

    async def apply_early_meet(self, deadline: Document) -> None:
        key = early_meet_key(
            deadline["school_id"], DeadlineRule(deadline["rule"]), deadline["source_id"]
        )
        early = await self._store.early_meets.find_one({"_id": key})
        if early is not None:
            await self._meet_existing(deadline["_id"], early["met_by"], early["met_at"])

    async def _meet_matching(
        self, school_id: str, rule: DeadlineRule, source_id: str, met_by: str, met_at: datetime
    ) -> list[str]:
        query = {"school_id": school_id, "rule": rule.value, "source_id": source_id}
        ids = [d["_id"] async for d in self._store.deadlines.find(query, projection={"_id": 1})]
        return [await self._meet_existing(i, met_by, met_at) for i in ids]

    async def _meet_existing(self, deadline_id: str, met_by: str, met_at: datetime) -> str:
        async with self._locks.hold(lock_key(self._store.deadlines, deadline_id)):
            return await self._meet_locked(deadline_id, met_by, met_at)

    async def _meet_locked(self, deadline_id: str, met_by: str, met_at: datetime) -> str:
        deadline = await self._store.deadlines.find_one({"_id": deadline_id})
        if deadline is None:
            return "absent"
        if deadline["status"] != "open":
            if deadline.get("met_by") is None and deadline["status"] == "breached":
                # Late: the breach stands, but the file shows when it was done.
                await self._store.deadlines.update_one(
                    {"_id": deadline_id}, {"$set": {"met_by": met_by, "met_late_at": met_at}}
                )
            return deadline["status"]
        update = merge_updates(
            {"$set": {"status": "met", "met_by": met_by, "met_at": met_at}},
            push_events([self._event(deadline, "met", met_by=met_by)]),
        )
        await self._store.deadlines.update_one({"_id": deadline_id}, update)
        await self._store.deadline_timers.clear(deadline_id)
        self._relay.enqueue(self._store.deadlines, deadline_id)
        return "met"

    # -- calendar changes ----------------------------------------------------------------

    async def recompute_school(self, school_id: str, calendar: SchoolCalendar) -> int:
        """Recompute every open deadline of the school from its new calendar."""
        changed = 0
        query = {"school_id": school_id, "status": "open"}
        ids = [d["_id"] async for d in self._store.deadlines.find(query, projection={"_id": 1})]
        for deadline_id in ids:
            async with self._locks.hold(lock_key(self._store.deadlines, deadline_id)):
                deadline = await self._store.deadlines.find_one({"_id": deadline_id})
                if deadline is not None and deadline["status"] == "open":
                    changed += await self._recompute(deadline, calendar)
        return changed

    async def _recompute(self, deadline: Document, calendar: SchoolCalendar) -> int:
        due, approaching, unresolved = schedule(
            DeadlineRule(deadline["rule"]),
            trigger_of(deadline),
            calendar,
            deadline.get("immediate_danger", False),
            self.approaching_fraction,
        )
        fields: dict[str, Any] = {
            "due_at": due,
            "approaching_at": approaching,
            "unresolved": unresolved,
            "timezone": calendar.timezone,
        }
        if all(deadline.get(k) == v for k, v in fields.items()):
            return 0
        if deadline.get("approaching_sent") and approaching is not None:
            # Warned already: a later approaching moment must not warn a second time.
            fields.pop("approaching_at")
        result = await self._store.deadlines.update_one({"_id": deadline["_id"]}, {"$set": fields})
        await self._reschedule({**deadline, **fields})
        return result.modified_count

    async def save_calendar(
        self, school_id: str, trust_id: str, calendar: SchoolCalendar, updated_by: str
    ) -> int:
        """Store a school's calendar and recompute its open deadlines. The calendar is flagged
        in the same write, so a crash before the recompute is finished by the scheduler."""
        async with self._locks.hold(lock_key(self._store.calendars, school_id)):
            await self._store.save_calendar(
                school_id, trust_id, calendar, updated_by=updated_by, at=utc_now()
            )
            recomputed = await self.recompute_school(school_id, calendar)
            await self._store.calendar_recomputed(school_id)
        return recomputed

    async def _finish_recomputes(self) -> None:
        async for flagged in self._store.calendars.find(
            {"recompute_pending": True}, projection={"_id": 1}
        ):
            key = lock_key(self._store.calendars, flagged["_id"])
            async with self._locks.attempt(key) as held:
                stored = await self._store.calendars.find_one({"_id": flagged["_id"]})
                if held and stored is not None and stored["recompute_pending"]:
                    calendar = SchoolCalendar.model_validate(stored["calendar"])
                    await self.recompute_school(stored["_id"], calendar)
                    await self._store.calendar_recomputed(stored["_id"])

    # ----------------------------------------------------------------------------------

    def _event(self, deadline: Document, phase: str, met_by: str | None = None) -> Envelope[Any]:
        subject = deadline["subject"]
        return make_envelope(
            _PHASE_EVENTS[phase],
            phase_payload(deadline, met_by=met_by),
            trust_id=deadline["trust_id"],
            school_id=deadline["school_id"],
            subject=Subject(kind=subject["kind"], id=subject["id"]),
            actor=SYSTEM,
            correlation_id=deadline["source_id"],
            event_id=phase_event_id(deadline["_id"], phase),
        )
