"""Intake's collections: schools, pupils (the roster used for matching) and submissions."""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from services.common.outbox import ensure_outbox_index
from services.common.store import Document


class IntakeStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.schools: AsyncCollection[Document] = db["schools"]
        self.pupils: AsyncCollection[Document] = db["pupils"]
        self.concerns: AsyncCollection[Document] = db["concerns"]

    @property
    def with_outbox(self) -> tuple[AsyncCollection[Document], ...]:
        return (self.schools, self.pupils, self.concerns)

    async def ensure_indexes(self) -> None:
        for collection in self.with_outbox:
            await ensure_outbox_index(collection)
        await self.schools.create_index([("trust_id", ASCENDING)], name="trust")
        await self.pupils.create_index(
            [("school_id", ASCENDING), ("pupil_id", ASCENDING)], name="school_pupil", unique=True
        )
        await self.concerns.create_index(
            [("school_id", ASCENDING), ("received_at", DESCENDING)], name="school_received"
        )

    async def school(self, school_id: str) -> Document | None:
        return await self.schools.find_one({"_id": school_id})
