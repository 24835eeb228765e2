"""case's collections, their indexes, and every query and update it makes: cases, deadlines
and their timers, calendars, triage decisions, and what case knows of schools and pupils."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from contracts.case_v1 import DeadlineRule
from services.case.domain.calendar import SchoolCalendar
from services.case.domain.cases import case_key, new_case
from services.common.outbox import ensure_outbox_index
from services.common.store import Document, insert_if_absent, upsert_if_newer
from services.common.timers import Timers


class CaseStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.cases: AsyncCollection[Document] = db["cases"]
        self.deadlines: AsyncCollection[Document] = db["deadlines"]
        self.calendars: AsyncCollection[Document] = db["calendars"]
        # The pupils intake has on roll, as case last heard of them (intake.pupil.recorded.v1).
        self.pupils: AsyncCollection[Document] = db["children"]
        self.decisions: AsyncCollection[Document] = db["decisions"]
        self.schools: AsyncCollection[Document] = db["schools"]
        # Meetings that arrived before the deadline they meet (usecases/meet_deadline.py).
        self.early_meets: AsyncCollection[Document] = db["early_meets"]
        self.deadline_timers = Timers(db["deadline_timers"])

    @property
    def with_outbox(self) -> tuple[AsyncCollection[Document], ...]:
        return (self.deadlines,)

    async def ensure_indexes(self) -> None:
        for collection in self.with_outbox:
            await ensure_outbox_index(collection)
        await self.deadlines.create_index(
            [("school_id", ASCENDING), ("due_at", ASCENDING)], name="school_due"
        )
        await self.deadlines.create_index(
            [("trust_id", ASCENDING), ("due_at", ASCENDING)], name="trust_due"
        )
        await self.deadlines.create_index(
            [("status", ASCENDING), ("approaching_at", ASCENDING)], name="open_approaching"
        )
        await self.deadlines.create_index(
            [("status", ASCENDING), ("due_at", ASCENDING)], name="open_due"
        )
        await self.deadlines.create_index(
            [("school_id", ASCENDING), ("rule", ASCENDING), ("source_id", ASCENDING)],
            name="school_rule_source",
        )
        await self.cases.create_index(
            [("school_id", ASCENDING), ("pupil_id", ASCENDING)], name="school_pupil"
        )

    # -- schools and pupils (read models of intake's) ------------------------------------

    async def school(self, school_id: str) -> Document | None:
        return await self.schools.find_one({"_id": school_id})

    async def record_school(self, school_id: str, trust_id: str, name: str, as_of: Any) -> None:
        state = {"school_id": school_id, "trust_id": trust_id, "name": name}
        await upsert_if_newer(self.schools, school_id, state, as_of)

    async def record_pupil(
        self, school_id: str, trust_id: str, pupil: Mapping[str, Any], as_of: Any
    ) -> None:
        state = {"trust_id": trust_id, "school_id": school_id, **pupil}
        await upsert_if_newer(self.pupils, case_key(school_id, pupil["pupil_id"]), state, as_of)

    # -- cases and triage decisions --------------------------------------------------------

    async def case(self, school_id: str, pupil_id: str) -> Document | None:
        return await self.cases.find_one({"_id": case_key(school_id, pupil_id)})

    async def open_case(
        self,
        *,
        trust_id: str,
        school_id: str,
        pupil_id: str,
        source_id: str,
        activity_at: datetime,
        now: datetime,
    ) -> None:
        """Open the child's case if needed and add the source to it (idempotently)."""
        await self.cases.update_one(
            {"_id": case_key(school_id, pupil_id)},
            {
                "$setOnInsert": new_case(trust_id, school_id, pupil_id, opened_at=now),
                "$addToSet": {"sources": source_id},
                "$max": {"last_activity_at": activity_at},
            },
            upsert=True,
        )

    async def record_decision(self, decision: Document) -> bool:
        """False when the concern already has a decision."""
        return await insert_if_absent(self.decisions, decision)

    # -- deadlines and their timers --------------------------------------------------------

    async def deadlines_in(
        self,
        scope: Mapping[str, str],
        *,
        pupil_id: str | None,
        status: str | None,
        limit: int,
    ) -> list[Document]:
        """Deadlines within a tenant's scope, soonest first (unplaced ones, with no due time,
        sort first)."""
        query: dict[str, Any] = dict(scope)
        if pupil_id is not None:
            query["pupil_id"] = pupil_id
        if status is not None:
            query["status"] = status
        cursor = self.deadlines.find(query).sort("due_at", ASCENDING).limit(limit)
        return [deadline async for deadline in cursor]

    async def deadline_ids_for(
        self, school_id: str, rule: DeadlineRule, source_id: str
    ) -> list[str]:
        query = {"school_id": school_id, "rule": rule.value, "source_id": source_id}
        return [d["_id"] async for d in self.deadlines.find(query, projection={"_id": 1})]

    async def open_deadline_ids(self, school_id: str) -> list[str]:
        query = {"school_id": school_id, "status": "open"}
        return [d["_id"] async for d in self.deadlines.find(query, projection={"_id": 1})]

    async def open_deadlines(self) -> AsyncIterator[Document]:
        """Every open deadline (a scan: only at start-up)."""
        async for deadline in self.deadlines.find({"status": "open"}):
            yield deadline

    async def deadlines_to_look_at(self, now: datetime, limit: int) -> list[str]:
        return await self.deadline_timers.due(now, limit)

    async def look_at_deadline(
        self, deadline_id: str, when: datetime | None, *, approaching: bool = False
    ) -> None:
        """Set when the scheduler next looks at the deadline (None: never again), and
        whether its approaching phase has been announced (for the metrics)."""
        if when is None:
            await self.deadline_timers.clear(deadline_id)
        else:
            await self.deadline_timers.set(deadline_id, when, approaching=approaching)

    async def watched_deadline_counts(self) -> tuple[int, int]:
        """Open deadlines the scheduler watches, and how many of them are approaching:
        counted in the small timers collection, not in the deadlines."""
        return await self.deadline_timers.count(), await self.deadline_timers.count(
            approaching=True
        )

    async def early_meet(self, key: str) -> Document | None:
        return await self.early_meets.find_one({"_id": key})

    async def remember_early_meet(
        self, key: str, school_id: str, met_by: str, met_at: datetime
    ) -> None:
        early = {"_id": key, "school_id": school_id, "met_by": met_by, "met_at": met_at}
        await insert_if_absent(self.early_meets, early)

    # -- calendars -------------------------------------------------------------------------

    async def calendar_of(self, school_id: str) -> SchoolCalendar:
        stored = await self.calendars.find_one({"_id": school_id})
        if stored is None:
            return SchoolCalendar.default()
        return SchoolCalendar.model_validate(stored["calendar"])

    async def save_calendar(
        self,
        school_id: str,
        trust_id: str,
        calendar: SchoolCalendar,
        *,
        updated_by: str,
        at: datetime,
    ) -> None:
        """Store the calendar flagged for recomputation of the school's open deadlines, in
        the same write, so that a crash before they are recomputed is finished later (the
        caller holds the calendar's lock)."""
        await self.calendars.update_one(
            {"_id": school_id},
            {
                "$set": {
                    "trust_id": trust_id,
                    "school_id": school_id,
                    "calendar": calendar.model_dump(mode="json"),
                    "updated_by": updated_by,
                    "updated_at": at,
                    "recompute_pending": True,
                },
                "$inc": {"version": 1},
            },
            upsert=True,
        )

    async def calendar_recomputed(self, school_id: str) -> None:
        await self.calendars.update_one({"_id": school_id}, {"$set": {"recompute_pending": False}})

    async def schools_awaiting_recompute(self) -> list[str]:
        flagged = self.calendars.find({"recompute_pending": True}, projection={"_id": 1})
        return [calendar["_id"] async for calendar in flagged]

    async def calendar_awaiting_recompute(self, school_id: str) -> SchoolCalendar | None:
        stored = await self.calendars.find_one({"_id": school_id})
        if stored is None or not stored["recompute_pending"]:
            return None
        return SchoolCalendar.model_validate(stored["calendar"])
