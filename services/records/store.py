"""records' collections, their indexes, and every query on them.

- chronology: one entry per significant event about a child (`_id` = the event's id)
- children: the pupils intake has recorded, per school (`_id` = "<school>/<pupil>")
- audit: who read which file, and which statutory deadlines were met
- admin_audit, admin_log, admin_log_heads: administrative actions the other services
  reported, and each trust's and school's list of them (store_admin_log.py)
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from services.common.store import Document, insert_if_absent, upsert_if_newer
from services.records.store_admin_log import AdminLogQueries


class RecordsStore(AdminLogQueries):
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.chronology: AsyncCollection[Document] = db["chronology"]
        self.children: AsyncCollection[Document] = db["children"]
        self.audit: AsyncCollection[Document] = db["audit"]
        self.admin_audit: AsyncCollection[Document] = db["admin_audit"]
        self.admin_log: AsyncCollection[Document] = db["admin_log"]
        self.admin_log_heads: AsyncCollection[Document] = db["admin_log_heads"]

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

    async def add_entry(self, entry: Document) -> bool:
        """False if the entry's event was recorded already."""
        return await insert_if_absent(self.chronology, entry)

    async def entries(
        self,
        scope: Mapping[str, str],
        pupil_id: str,
        *,
        before: tuple[datetime, str] | None = None,
        limit: int = 1000,
    ) -> list[Document]:
        """The newest `limit` of a child's entries within `scope` (a tenant filter) older
        than `before` (a moment and an entry id), in the order things happened."""
        query: dict[str, Any] = {**scope, "pupil_id": pupil_id}
        if before is not None:
            at, entry_id = before
            query["$or"] = [
                {"occurred_at": {"$lt": at}},
                {"occurred_at": at, "_id": {"$lt": entry_id}},
            ]
        newest = self.chronology.find(query).sort([("occurred_at", -1), ("_id", -1)])
        found = [entry async for entry in newest.limit(limit)]
        return found[::-1]

    async def child(self, school_id: str, pupil_id: str) -> Document | None:
        return await self.children.find_one({"_id": _child_id(school_id, pupil_id)})

    async def record_child(
        self, school_id: str, pupil_id: str, state: Mapping[str, Any], as_of: datetime
    ) -> bool:
        """Keep the newest of what intake said about a pupil; False if this was older."""
        return await upsert_if_newer(
            self.children, _child_id(school_id, pupil_id), dict(state), as_of
        )

    async def log(self, entry: Document) -> None:
        """Append to the audit log (each read is its own entry)."""
        await self.audit.insert_one(entry)

    async def log_once(self, entry: Document) -> bool:
        """Append an entry whose `_id` comes from an event: False if it is there already."""
        return await insert_if_absent(self.audit, entry)


def _child_id(school_id: str, pupil_id: str) -> str:
    return f"{school_id}/{pupil_id}"
