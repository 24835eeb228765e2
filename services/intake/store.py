"""Intake's collections: schools, pupils (the roster used for matching), submissions,
Operation Encompass senders and the police notifications, one document per child."""

from __future__ import annotations

from datetime import datetime

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from services.common.outbox import ensure_outbox_index
from services.common.store import Document
from services.intake.domain.concerns import ConcernSubmission
from services.intake.domain.schools import pupil_key


class IntakeStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.schools: AsyncCollection[Document] = db["schools"]
        self.pupils: AsyncCollection[Document] = db["pupils"]
        self.concerns: AsyncCollection[Document] = db["concerns"]
        # Police forces and hubs, with the shared secret that signs their requests.
        self.senders: AsyncCollection[Document] = db["encompass_senders"]
        # One document per child per incident (`_id` = notification_id), with its outbox.
        self.notifications: AsyncCollection[Document] = db["encompass_notifications"]

    @property
    def with_outbox(self) -> tuple[AsyncCollection[Document], ...]:
        return (self.schools, self.pupils, self.concerns, self.notifications)

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
        await self.notifications.create_index([("incident_id", ASCENDING)], name="incident")
        await self.notifications.create_index(
            [("state", ASCENDING), ("trust_ids", ASCENDING), ("received_at", ASCENDING)],
            name="state_trusts",
        )
        await self.notifications.create_index(
            [("state", ASCENDING), ("school_ids", ASCENDING), ("received_at", ASCENDING)],
            name="state_schools",
        )

    async def school(self, school_id: str) -> Document | None:
        return await self.schools.find_one({"_id": school_id})

    async def has_pupil(self, school_id: str, pupil_id: str) -> bool:
        found = await self.pupils.find_one(
            {"_id": pupil_key(school_id, pupil_id)}, projection={"_id": 1}
        )
        return found is not None

    async def concern(self, concern_id: str) -> Document | None:
        return await self.concerns.find_one({"_id": concern_id}, projection={"outbox": 0})

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


async def insert_new(collection: AsyncCollection[Document], documents: list[Document]) -> set[int]:
    """Insert documents; return the positions of those that already existed."""
    try:
        await collection.insert_many(documents, ordered=False)
    except BulkWriteError as exc:
        lost = set()
        for error in exc.details.get("writeErrors", []):
            if error.get("code") != 11000:
                raise
            lost.add(error["index"])
        return lost
    return set()
