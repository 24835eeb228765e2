"""Intake's collections: schools, pupils (the roster used for matching), submissions,
Operation Encompass senders and the police notices, one document per child. The notice
queries are in store_notices.py, the pages' reads in store_directory.py."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from cachetools import LRUCache
from pymongo import ASCENDING, DESCENDING, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from services.common.field_cipher import FieldCipher, open_document, seal_document
from services.common.outbox import (
    ensure_outbox_index,
    load_keys,
    merge_updates,
    push_events,
    with_outbox,
)
from services.common.retries import gather_limited, retry_busy
from services.common.school_cache import SchoolCache
from services.common.store import Document, insert_many_if_absent
from services.common.unit_of_work import Event
from services.intake.domain.concerns import ConcernSubmission
from services.intake.domain.roster import ROSTER_COLUMNS
from services.intake.domain.schools import pupil_key
from services.intake.sealed_fields import CONCERN_TEXT, NOTICE_TEXT
from services.intake.store_adult_concerns import AdultConcernQueries
from services.intake.store_directory import DirectoryQueries
from services.intake.store_notices import NoticeQueries

# A document to store and the events it causes, written together.
WithEvents = tuple[Document, Sequence[Event]]
KNOWN_PUPILS = 100_000
# What a roster import compares: the roster's own columns, plus what the matcher and the
# departures check keep per pupil.
ROSTER_PROJECTION = dict.fromkeys(
    (*ROSTER_COLUMNS, "surname_key", "forename_keys", "left_notified", "outbox_pending"), 1
)


class IntakeStore(NoticeQueries, DirectoryQueries, AdultConcernQueries):
    def __init__(
        self,
        db: AsyncDatabase[Document],
        cipher: FieldCipher | None = None,
        *,
        school_cache_seconds: float = 60.0,
    ) -> None:
        self.cipher = cipher
        self.schools: AsyncCollection[Document] = db["schools"]
        # The school a concern is raised at, read for every concern (services.common.
        # school_cache); changing a school reads it afresh.
        self.school_cache: SchoolCache[Document | None] = SchoolCache(school_cache_seconds)
        # Pupils known to be recorded: a pupil, once recorded, is never removed (a leaver
        # stays, marked), so a concern about one seen before needs no read.
        self.known_pupils: LRUCache[str, bool] = LRUCache(maxsize=KNOWN_PUPILS)
        self.pupils: AsyncCollection[Document] = db["pupils"]
        self.concerns: AsyncCollection[Document] = db["concerns"]
        # Concerns about adults (store_adult_concerns.py): written once, with their event.
        self.adult_concerns: AsyncCollection[Document] = db["adult_concerns"]
        # Police forces and hubs, with the shared secret that signs their requests.
        self.senders: AsyncCollection[Document] = db["encompass_senders"]
        # One document per child per incident (`_id` = notification_id), with its outbox.
        self.notices: AsyncCollection[Document] = db["encompass_notifications"]
        # Administrative actions with no single document to carry their audit event (a
        # roll upload): written once, with the event (services.common.admin_audit).
        self.admin_actions: AsyncCollection[Document] = db["admin_actions"]

    @property
    def with_outbox(self) -> tuple[AsyncCollection[Document], ...]:
        return (
            self.schools,
            self.pupils,
            self.concerns,
            self.notices,
            self.senders,
            self.admin_actions,
            self.adult_concerns,
        )

    async def ensure_indexes(self) -> None:
        for collection in self.with_outbox:
            await ensure_outbox_index(collection)
        await self.schools.create_index([("trust_id", ASCENDING)], name="trust")
        await self.schools.create_index([("urn", ASCENDING)], name="urn")
        await self.pupils.create_index(
            [("school_id", ASCENDING), ("pupil_id", ASCENDING)], name="school_pupil", unique=True
        )
        # The matcher's two lookups: by surname key (date of birth narrows it) and by UPN.
        await self.pupils.create_index(
            [("trust_id", ASCENDING), ("surname_key", ASCENDING), ("date_of_birth", ASCENDING)],
            name="trust_surname_dob",
        )
        await self.pupils.create_index([("trust_id", ASCENDING), ("upn", ASCENDING)], name="upn")
        # Leavers whose last day has passed and whose departure is not yet published.
        await self.pupils.create_index(
            [("left_notified", ASCENDING), ("on_roll_to", ASCENDING)], name="leavers"
        )
        await self.concerns.create_index(
            [("school_id", ASCENDING), ("received_at", DESCENDING)], name="school_received"
        )
        await self.senders.create_index([("trust_ids", ASCENDING)], name="trusts")
        await self.notices.create_index([("incident_id", ASCENDING)], name="incident")
        await self.notices.create_index(
            [("state", ASCENDING), ("trust_ids", ASCENDING), ("received_at", ASCENDING)],
            name="state_trusts",
        )
        await self.notices.create_index(
            [("state", ASCENDING), ("school_ids", ASCENDING), ("received_at", ASCENDING)],
            name="state_schools",
        )

    # --- schools and pupils --------------------------------------------------------------

    async def school(self, school_id: str) -> Document | None:
        return await self.schools.find_one({"_id": school_id})

    async def known_school(self, school_id: str) -> Document | None:
        """The school as a concern sees it: without its outbox, perhaps from the cache (a
        copy: the caller may change it)."""
        found = await self.school_cache.get(
            school_id, lambda: self.schools.find_one({"_id": school_id}, {"outbox": 0})
        )
        return dict(found) if found is not None else None

    async def has_pupil(self, school_id: str, pupil_id: str) -> bool:
        key = pupil_key(school_id, pupil_id)
        if self.known_pupils.get(key):
            return True
        if await self.pupils.find_one({"_id": key}, projection={"_id": 1}) is None:
            return False
        self.known_pupils[key] = True
        return True

    async def roster_of(self, school_id: str) -> dict[str, Document]:
        """pupil_id -> what a roster import compares, for every pupil of the school."""
        cursor = self.pupils.find({"school_id": school_id}, projection=ROSTER_PROJECTION)
        return {doc["pupil_id"]: doc async for doc in cursor}

    async def roster_pupils(self, keys: Sequence[str]) -> list[Document | None]:
        """The same, for a few pupils by `_id` (read again under their locks)."""
        return await gather_limited(
            [self.pupils.find_one({"_id": key}, projection=ROSTER_PROJECTION) for key in keys]
        )

    async def insert_new_pupils(
        self, pupils: Sequence[WithEvents]
    ) -> tuple[set[int], list[Document]]:
        """Bulk path of the unit of work: each pupil is one write with its events."""
        return await _insert_new(self.pupils, pupils, self.cipher)

    async def rewrite_pupils(
        self, changes: Sequence[tuple[str, Mapping[str, Any], Sequence[Event]]]
    ) -> None:
        """Bulk path of the unit of work: set each pupil's fields and append its events in
        one write per pupil. The caller holds the pupils' locks."""
        await load_keys(self.cipher, [e for _key, _fields, events in changes for e in events])
        operations = [
            UpdateOne(
                {"_id": key},
                merge_updates(
                    {"$set": dict(fields), "$inc": {"version": 1}},
                    push_events(events, self.cipher),
                ),
            )
            for key, fields, events in changes
        ]
        if operations:
            await retry_busy(lambda: self.pupils.bulk_write(operations, ordered=True))

    async def due_departures(self, today: date) -> list[str]:
        """Pupils whose last day is before `today` and whose departure is unpublished."""
        due = self.pupils.find(
            {"left_notified": None, "on_roll_to": {"$lt": today.isoformat()}},
            projection={"_id": 1},
        )
        return [doc["_id"] async for doc in due]

    # --- concerns ------------------------------------------------------------------------

    async def concern(self, concern_id: str) -> Document | None:
        found = await self.concerns.find_one({"_id": concern_id}, projection={"outbox": 0})
        return await open_document(self.cipher, found, CONCERN_TEXT)

    @staticmethod
    def concern_document(
        concern_id: str,
        trust_id: str,
        submission: ConcernSubmission,
        reported_by: str,
        received_at: datetime,
    ) -> Document:
        """A concern as stored: the submission whole, and its fingerprint, which tells a
        retry of the same submission from a different one under the same key."""
        return {
            "_id": concern_id,
            "trust_id": trust_id,
            "school_id": submission.school_id,
            "pupil_id": submission.pupil_id,
            "reported_by": reported_by,
            "received_at": received_at,
            "fingerprint": submission.fingerprint(),
            "concern": submission.model_dump(mode="json"),
        }

    # --- Encompass senders and notices ---------------------------------------------------

    async def sender(self, sender_id: str) -> Document | None:
        """With its sealed secret: for verifying its requests."""
        return await self.senders.find_one({"_id": sender_id}, projection={"outbox": 0})

    async def sender_profile(self, sender_id: str) -> Document | None:
        return await self.senders.find_one(
            {"_id": sender_id}, projection={"secret_sealed": 0, "outbox": 0}
        )

    async def save_sender(
        self, sender_id: str, state: Mapping[str, Any], events: Sequence[Event], *, new: bool
    ) -> None:
        """The sender's new state and its audit events in one write (the caller holds the
        sender's lock, and hands it to the relay afterwards)."""
        await load_keys(self.cipher, events)
        if new:
            document = {"_id": sender_id, **state, "version": 1}
            await self.senders.insert_one(with_outbox(document, events, self.cipher))
            return
        update = merge_updates(
            # `$unset`: a secret stored before secrets were sealed goes for good.
            {"$set": dict(state), "$unset": {"secret": ""}, "$inc": {"version": 1}},
            push_events(events, self.cipher),
        )
        await self.senders.update_one({"_id": sender_id}, update)

    async def insert_new_notices(
        self, notices: Sequence[WithEvents]
    ) -> tuple[set[int], list[Document]]:
        """Bulk path of the unit of work: each notice is one write with its events."""
        sealed = [
            (await seal_document(self.cipher, notice, NOTICE_TEXT), events)
            for notice, events in notices
        ]
        return await _insert_new(self.notices, sealed, self.cipher)


async def _insert_new(
    collection: AsyncCollection[Document],
    documents: Sequence[WithEvents],
    cipher: FieldCipher | None,
) -> tuple[set[int], list[Document]]:
    """Insert documents with their events in one insert_many (nothing else can be writing
    a document that does not exist yet, so no lock is needed); return the positions of
    those that already existed, which are left as they are, and every document as it was
    sent (for the relay to publish from)."""
    await load_keys(cipher, [event for _document, events in documents for event in events])
    stored = [with_outbox(document, events, cipher) for document, events in documents]

    return await retry_busy(lambda: insert_many_if_absent(collection, stored)), stored
