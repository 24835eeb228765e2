"""records' collections: the chronology, the children it is about, and the audit log."""

from __future__ import annotations

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from services.common.store import Document


class RecordsStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.chronology: AsyncCollection[Document] = db["chronology"]
        self.children: AsyncCollection[Document] = db["children"]
        self.audit: AsyncCollection[Document] = db["audit"]

    @property
    def with_outbox(self) -> tuple[AsyncCollection[Document], ...]:
        return ()

    async def ensure_indexes(self) -> None:
        await self.chronology.create_index(
            [("school_id", ASCENDING), ("pupil_id", ASCENDING), ("occurred_at", ASCENDING)],
            name="child_timeline",
        )
        await self.children.create_index(
            [("school_id", ASCENDING), ("pupil_id", ASCENDING)], name="school_pupil", unique=True
        )
        await self.audit.create_index(
            [("school_id", ASCENDING), ("at", ASCENDING)], name="school_at"
        )
