"""The deadline tracker: fires `approaching` and `breached` exactly once per deadline,
marks deadlines met, and recomputes open ones when a school's calendar changes.

Every transition is one conditional write that changes the state and appends the event
to the deadline's outbox together, so two replicas (or a restart) cannot fire twice.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from contracts import case_v1
from contracts.envelope import Envelope, Subject, utc_now
from services.case.domain.calendar import SchoolCalendar
from services.case.domain.deadline_rules import Rule
from services.case.domain.deadlines import phase_event_id, phase_payload, schedule, trigger_of
from services.case.store import CaseStore
from services.common.events import SYSTEM, make_envelope
from services.common.outbox import OutboxRelay, merge_updates, push_events
from services.common.store import Document

log = logging.getLogger("harbour.case.tracker")

_PHASE_EVENTS = {
    "approaching": case_v1.DEADLINE_APPROACHING,
    "breached": case_v1.DEADLINE_BREACHED,
    "met": case_v1.DEADLINE_MET,
}


class DeadlineTracker:
    def __init__(
        self, store: CaseStore, relay: OutboxRelay, *, interval_seconds: float, batch: int = 200
    ) -> None:
        self._store = store
        self._relay = relay
        self._interval = interval_seconds
        self._batch = batch

    # -- the scheduler -------------------------------------------------------------------

    async def run(self) -> None:
        while True:
            try:
                await self.tick(utc_now())
            except Exception:
                log.exception("deadline scheduler pass failed")
            await asyncio.sleep(self._interval)

    async def tick(self, now: datetime) -> int:
        fired = 0
        await self._finish_recomputes()
        approaching = self._store.deadlines.find(
            {"status": "open", "approaching_sent": False, "approaching_at": {"$lte": now}},
            limit=self._batch,
        )
        async for deadline in approaching:
            fired += await self._fire_approaching(deadline, now)
        breached = self._store.deadlines.find(
            {"status": "open", "due_at": {"$lte": now}}, limit=self._batch
        )
        async for deadline in breached:
            fired += await self._fire_breached(deadline, now)
        if fired:
            self._relay.wake()
        return fired

    async def _fire_approaching(self, deadline: Document, now: datetime) -> int:
        update = merge_updates(
            {"$set": {"approaching_sent": True, "approaching_fired_at": now}},
            push_events([self._event(deadline, "approaching")]),
        )
        result = await self._store.deadlines.update_one(
            {"_id": deadline["_id"], "status": "open", "approaching_sent": False}, update
        )
        return result.modified_count

    async def _fire_breached(self, deadline: Document, now: datetime) -> int:
        # A deadline that passed while nobody ran the scheduler still warns before it breaches.
        events = [self._event(deadline, "breached")]
        if not deadline.get("approaching_sent"):
            events.insert(0, self._event(deadline, "approaching"))
        update = merge_updates(
            {"$set": {"status": "breached", "breached_at": now, "approaching_sent": True}},
            push_events(events),
        )
        result = await self._store.deadlines.update_one(
            {"_id": deadline["_id"], "status": "open", "due_at": deadline["due_at"]}, update
        )
        return result.modified_count * len(events)

    # -- meeting a deadline --------------------------------------------------------------

    async def meet(
        self, deadline_id: str, *, met_by: str, met_at: datetime, cause: Envelope[BaseModel]
    ) -> str:
        """Mark the deadline met. If its event has not reached case yet, remember the meeting
        so that the deadline is created met (either side checks after it writes)."""
        outcome = await self._meet_existing(deadline_id, met_by, met_at)
        if outcome != "absent":
            return outcome
        await self._store.early_meets.update_one(
            {"_id": deadline_id},
            {"$setOnInsert": {"met_by": met_by, "met_at": met_at, "cause": cause.event_id}},
            upsert=True,
        )
        return await self._meet_existing(deadline_id, met_by, met_at)

    async def apply_early_meet(self, deadline_id: str) -> None:
        early = await self._store.early_meets.find_one({"_id": deadline_id})
        if early is not None:
            await self._meet_existing(deadline_id, early["met_by"], early["met_at"])

    async def _meet_existing(self, deadline_id: str, met_by: str, met_at: datetime) -> str:
        deadline = await self._store.deadlines.find_one({"_id": deadline_id})
        if deadline is None:
            return "absent"
        if deadline["status"] != "open":
            if deadline.get("met_by") is None and deadline["status"] == "breached":
                # Late: the breach stands, but the file shows when it was done.
                await self._store.deadlines.update_one(
                    {"_id": deadline_id, "met_by": None},
                    {"$set": {"met_by": met_by, "met_late_at": met_at}},
                )
            return deadline["status"]
        update = merge_updates(
            {"$set": {"status": "met", "met_by": met_by, "met_at": met_at}},
            push_events([self._event(deadline, "met", met_by=met_by)]),
        )
        result = await self._store.deadlines.update_one(
            {"_id": deadline_id, "status": "open"}, update
        )
        if result.modified_count:
            self._relay.wake()
            return "met"
        return await self._meet_existing(deadline_id, met_by, met_at)

    # -- calendar changes ----------------------------------------------------------------

    async def recompute_school(self, school_id: str, calendar: SchoolCalendar) -> int:
        """Recompute every open deadline of the school from its new calendar."""
        changed = 0
        cursor = self._store.deadlines.find({"school_id": school_id, "status": "open"})
        async for deadline in cursor:
            changed += await self._recompute(deadline, calendar)
        return changed

    async def _recompute(self, deadline: Document, calendar: SchoolCalendar) -> int:
        due, approaching, unresolved = schedule(
            Rule(deadline["rule"]),
            trigger_of(deadline),
            calendar,
            deadline.get("immediate_danger", False),
        )
        fields: dict[str, Any] = {
            "due_at": due,
            "approaching_at": approaching,
            "unresolved": unresolved,
            "timezone": calendar.timezone,
        }
        if all(deadline.get(k) == v for k, v in fields.items()):
            return 0
        result = await self._store.deadlines.update_one(
            {"_id": deadline["_id"], "status": "open", "due_at": deadline["due_at"]},
            {"$set": fields},
        )
        return result.modified_count

    async def _finish_recomputes(self) -> None:
        # A calendar saved by a process that died before recomputing is finished here.
        async for calendar_doc in self._store.calendars.find({"recompute_pending": True}):
            calendar = SchoolCalendar.model_validate(calendar_doc["calendar"])
            await self.recompute_school(calendar_doc["_id"], calendar)
            await self._store.calendars.update_one(
                {"_id": calendar_doc["_id"], "version": calendar_doc["version"]},
                {"$set": {"recompute_pending": False}},
            )

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
