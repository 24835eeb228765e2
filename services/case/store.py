"""case's collections, their indexes, and every query and update it makes: deadlines and
their timers, calendars, and what case knows of schools and pupils; the children's case
files are queried in store_cases.py."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from contracts.case_v1 import DeadlineRule
from services.case.domain.calendar import SchoolCalendar
from services.case.domain.cases import case_key
from services.case.store_adult_cases import AdultCaseQueries
from services.case.store_cases import CaseFileQueries
from services.case.store_watch import ChildWatchQueries
from services.common.field_cipher import FieldCipher
from services.common.outbox import (
    ensure_outbox_index,
    load_keys,
    merge_updates,
    push_events,
)
from services.common.school_cache import SchoolCache
from services.common.store import (
    Document,
    insert_if_absent,
    upsert_if_newer,
    upsert_many_if_newer,
)
from services.common.timers import Timers
from services.common.unit_of_work import Event


class CaseStore(CaseFileQueries, AdultCaseQueries, ChildWatchQueries):
    def __init__(
        self,
        db: AsyncDatabase[Document],
        cipher: FieldCipher | None = None,
        *,
        school_cache_seconds: float = 60.0,
    ) -> None:
        self.cipher = cipher
        # Read for every deadline and every concern's pattern watch; changed by a school's
        # admin a few times a year (services.common.school_cache).
        self.calendar_cache: SchoolCache[SchoolCalendar] = SchoolCache(school_cache_seconds)
        self.pattern_rules_cache: SchoolCache[Document | None] = SchoolCache(school_cache_seconds)
        # One per child per school (`_id` = "<school>/<pupil>"): the DSL's working file.
        self.cases: AsyncCollection[Document] = db["cases"]
        self.deadlines: AsyncCollection[Document] = db["deadlines"]
        self.calendars: AsyncCollection[Document] = db["calendars"]
        # The pupils intake has on roll, as case last heard of them (intake.pupil.recorded.v1).
        self.pupils: AsyncCollection[Document] = db["children"]
        # Triage decisions stored before they lived on the case (read, never written).
        self.decisions: AsyncCollection[Document] = db["decisions"]
        # "<school>/<kind>/<id>" → the case of a concern, action or referral.
        self.case_index: AsyncCollection[Document] = db["case_index"]
        # "<school>/<concern>": the teacher who must report FGM to the police, and whether
        # it is done (the report itself is on the case).
        self.fgm_duties: AsyncCollection[Document] = db["fgm_duties"]
        self.action_timers = Timers(db["action_timers"])
        self.schools: AsyncCollection[Document] = db["schools"]
        # Meetings that arrived before the deadline they meet (usecases/meet_deadline.py).
        self.early_meets: AsyncCollection[Document] = db["early_meets"]
        self.deadline_timers = Timers(db["deadline_timers"])
        # Concerns about adults (store_adult_cases.py).
        self.adult_cases: AsyncCollection[Document] = db["adult_cases"]
        self.adult_case_lists: AsyncCollection[Document] = db["adult_case_lists"]
        self.low_level_logs: AsyncCollection[Document] = db["low_level_logs"]
        self.trust_settings: AsyncCollection[Document] = db["trust_settings"]
        self.adult_reads: AsyncCollection[Document] = db["adult_reads"]
        # "<school>/<pupil>": the events the pattern rules look back on (store_watch.py).
        self.pattern_watch: AsyncCollection[Document] = db["pattern_watch"]
        # One per school: its pattern thresholds, when it changed them.
        self.pattern_rules: AsyncCollection[Document] = db["pattern_rules"]

    @property
    def with_outbox(self) -> tuple[AsyncCollection[Document], ...]:
        return (
            self.deadlines,
            self.cases,
            self.calendars,
            self.adult_cases,
            self.low_level_logs,
            self.trust_settings,
            self.pattern_watch,
            self.pattern_rules,
        )

    async def ensure_indexes(self) -> None:
        for collection in (*self.with_outbox, self.adult_reads):
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
            [("school_id", ASCENDING), ("pupil_id", ASCENDING), ("due_at", ASCENDING)],
            name="school_pupil_due",
        )
        await self.deadlines.create_index(
            [("school_id", ASCENDING), ("rule", ASCENDING), ("source_id", ASCENDING)],
            name="school_rule_source",
        )
        await self.cases.create_index(
            [("school_id", ASCENDING), ("pupil_id", ASCENDING)], name="school_pupil"
        )
        await self.cases.create_index(
            [("school_id", ASCENDING), ("status", ASCENDING), ("review_on", ASCENDING)],
            name="school_status_review",
        )
        await self.cases.create_index(
            [("trust_id", ASCENDING), ("status", ASCENDING), ("review_on", ASCENDING)],
            name="trust_status_review",
        )
        await self.cases.create_index(
            [("school_id", ASCENDING), ("assessment_review_on", ASCENDING)],
            name="school_assessment_review",
        )
        await self.cases.create_index(
            [("trust_id", ASCENDING), ("assessment_review_on", ASCENDING)],
            name="trust_assessment_review",
        )
        await self.fgm_duties.create_index(
            [("school_id", ASCENDING), ("duty_holder", ASCENDING)], name="school_holder"
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

    async def record_pupils(
        self, school_id: str, trust_id: str, pupils: Sequence[Mapping[str, Any]], as_of: Any
    ) -> None:
        """`record_pupil` for many pupils of one school at once."""
        states = [
            (
                case_key(school_id, pupil["pupil_id"]),
                {"trust_id": trust_id, "school_id": school_id, **pupil},
            )
            for pupil in pupils
        ]
        await upsert_many_if_newer(self.pupils, states, as_of)

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
        sort first). Never an adult case's (lado-referral, suspension-confirmation): those
        are for its case manager, on the case itself; a DSL may be the adult."""
        query: dict[str, Any] = {**scope, "subject.kind": {"$ne": "adult"}}
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

    async def look_at_deadlines(self, looks: Sequence[tuple[str, datetime | None, bool]]) -> None:
        """`look_at_deadline` for many: (deadline id, when, approaching), timers set in one
        write."""
        await self.deadline_timers.set_many(
            [(i, when, {"approaching": approaching}) for i, when, approaching in looks if when]
        )
        for deadline_id, when, _ in looks:
            if when is None:
                await self.deadline_timers.clear(deadline_id)

    async def early_meets_of(self, keys: Sequence[str]) -> dict[str, Document]:
        cursor = self.early_meets.find({"_id": {"$in": list(keys)}})
        return {early["_id"]: early async for early in cursor}

    async def remember_early_meet(
        self, key: str, school_id: str, met_by: str, met_at: datetime
    ) -> None:
        early = {"_id": key, "school_id": school_id, "met_by": met_by, "met_at": met_at}
        await insert_if_absent(self.early_meets, early)

    # -- calendars -------------------------------------------------------------------------

    async def calendar_of(self, school_id: str) -> SchoolCalendar:
        return await self.calendar_cache.get(school_id, lambda: self._calendar_stored(school_id))

    async def _calendar_stored(self, school_id: str) -> SchoolCalendar:
        stored = await self.calendars.find_one({"_id": school_id}, projection={"outbox": 0})
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
        events: Sequence[Event] = (),
    ) -> None:
        """Store the calendar flagged for recomputation of the school's open deadlines, in
        the same write, so that a crash before they are recomputed is finished later, with
        the events the change causes (the caller holds the calendar's lock, and hands it to
        the relay afterwards)."""
        update = {
            "$set": {
                "trust_id": trust_id,
                "school_id": school_id,
                "calendar": calendar.model_dump(mode="json"),
                "updated_by": updated_by,
                "updated_at": at,
                "recompute_pending": True,
            },
            "$inc": {"version": 1},
        }
        await load_keys(self.cipher, events)
        await self.calendars.update_one(
            {"_id": school_id}, merge_updates(update, push_events(events, self.cipher)), upsert=True
        )
        self.calendar_cache.forget(school_id)

    async def calendar_recomputed(self, school_id: str) -> None:
        await self.calendars.update_one({"_id": school_id}, {"$set": {"recompute_pending": False}})

    async def schools_awaiting_recompute(self) -> list[str]:
        flagged = self.calendars.find({"recompute_pending": True}, projection={"_id": 1})
        return [calendar["_id"] async for calendar in flagged]

    async def calendar_awaiting_recompute(self, school_id: str) -> SchoolCalendar | None:
        stored = await self.calendars.find_one({"_id": school_id}, projection={"outbox": 0})
        if stored is None or not stored["recompute_pending"]:
            return None
        return SchoolCalendar.model_validate(stored["calendar"])
