"""When each document (an alert, a delivery, a deadline) next needs looking at, in a small
collection of its own.

FerretDB 1.x answers anything but an `_id` lookup by scanning the whole collection, and
alerts, deliveries and deadlines only grow, while the loops poll every second or two. So
they poll these small collections instead (one small entry per document still pending).

The document is the truth; a timer only says "look at it by then", and
the loop clears or corrects a timer whose document says otherwise. A new document is
inserted before its timer (the loop clears a timer whose document it cannot find); an
existing one gets its timer set before the write that makes it due and cleared after the
write that makes it done (both under the document's store lock, which also keeps two
writers' timer writes in the order of their document writes), so a crash leaves at worst a
spurious timer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from pymongo import UpdateOne
from pymongo.asynchronous.collection import AsyncCollection

from services.common.store import Document


class Timers:
    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._collection = collection

    async def set(self, key: str, due_at: datetime, **facts: object) -> None:
        """`facts` are kept beside the due time, for counting (see `count`)."""
        await self._collection.update_one(
            {"_id": key}, {"$set": {"due_at": due_at, **facts}}, upsert=True
        )

    async def set_many(self, timers: Sequence[tuple[str, datetime, Mapping[str, object]]]) -> None:
        """`set` for many timers (key, due time, facts) in one bulk write."""
        if timers:
            await self._collection.bulk_write(
                [
                    UpdateOne({"_id": key}, {"$set": {"due_at": due_at, **facts}}, upsert=True)
                    for key, due_at, facts in timers
                ],
                ordered=False,
            )

    async def clear(self, key: str) -> None:
        await self._collection.delete_one({"_id": key})

    async def count(self, **facts: object) -> int:
        """How many timers (with these facts): a scan, but of a small collection."""
        return await self._collection.count_documents(facts)

    async def due(self, now: datetime, limit: int) -> list[str]:
        cursor = self._collection.find({"due_at": {"$lte": now}}, limit=limit).sort("due_at", 1)
        return [timer["_id"] async for timer in cursor]
