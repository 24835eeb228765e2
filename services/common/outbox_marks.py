"""Marking published events in the documents whose outboxes held them (the outbox relay's
last step, services.common.outbox_relay), for many documents in one write."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pymongo import UpdateOne
from pymongo.asynchronous.collection import AsyncCollection

from services.common.outbox import EPOCH
from services.common.store import Document


@dataclass(frozen=True)
class Mark:
    """A document's published events (`marks`), to be marked done if it is `unchanged`."""

    key: tuple[str, Any]  # (collection name, document id)
    unchanged: Document
    done: Document
    marks: dict[str, Any]

    @classmethod
    def of(cls, key: tuple[str, Any], document: Mapping[str, Any], marks: dict[str, Any]) -> Mark:
        """Done only if no event was added since `document` was read: writers only append
        events, counting them, so an atomic compare on the count says so."""
        count = document.get("outbox_count")
        unchanged = {
            "_id": key[1],
            "outbox_count": count if count is not None else {"$exists": False},
        }
        done = {"$set": {**marks, "outbox_pending": False, "relay_lease_until": EPOCH}}
        return cls(key, unchanged, done, marks)


async def write_marks(
    collection: AsyncCollection[Document], marks: Sequence[Mark]
) -> dict[tuple[str, Any], float | None]:
    """Mark documents of one collection in one bulk write; for each, in how many seconds to
    look at it again (None: done). If an event was added to any since its read, each is
    marked alone to find which: that one keeps its marks and is looked at again at once."""
    writes = [UpdateOne(mark.unchanged, mark.done) for mark in marks]
    result = await collection.bulk_write(writes, ordered=False)
    if result.matched_count == len(marks):
        return {mark.key: None for mark in marks}
    return {mark.key: await _mark_alone(collection, mark) for mark in marks}


async def _mark_alone(collection: AsyncCollection[Document], mark: Mark) -> float | None:
    if (await collection.update_one(mark.unchanged, mark.done)).matched_count:
        return None
    if mark.marks:
        await collection.update_one({"_id": mark.key[1]}, {"$set": mark.marks})
    return 0.0
