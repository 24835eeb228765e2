"""case's collections: cases, deadlines, calendars and the children it knows."""

from __future__ import annotations

from datetime import datetime

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from services.case.domain.calendar import SchoolCalendar
from services.common.outbox import ensure_outbox_index
from services.common.store import Document
from services.common.timers import Timers


class CaseStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.cases: AsyncCollection[Document] = db["cases"]
        self.deadlines: AsyncCollection[Document] = db["deadlines"]
        self.calendars: AsyncCollection[Document] = db["calendars"]
        self.children: AsyncCollection[Document] = db["children"]
        self.decisions: AsyncCollection[Document] = db["decisions"]
        self.schools: AsyncCollection[Document] = db["schools"]
        # Meetings that arrived before the deadline they meet (see DeadlineTracker.meet).
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

    async def save_calendar(
        self,
        school_id: str,
        trust_id: str,
        calendar: SchoolCalendar,
        *,
        updated_by: str,
        at: datetime,
    ) -> None:
        """Store the calendar flagged for recomputation (the caller holds the calendar lock)."""
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

    async def calendar_of(self, school_id: str) -> SchoolCalendar:
        stored = await self.calendars.find_one({"_id": school_id})
        if stored is None:
            return SchoolCalendar.default()
        return SchoolCalendar.model_validate(stored["calendar"])
