"""In-memory doubles of the ports use cases take: a MongoDB-like store (mongomock behind
the real store classes, so their queries run too), a relay that only remembers what it was
given, and a clock that stands still. For fast unit tests of use cases; the integration
suite proves the same against the real broker and store."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from mongomock.collection import BulkOperationBuilder
from mongomock_motor import AsyncMongoMockClient

from services.common.locks import DocumentLocks
from services.common.unit_of_work import DocumentWriter


def _bulk_updates_without_sort() -> None:
    """mongomock 4.3 predates the `sort` option that pymongo 4.20's UpdateOne hands to a
    bulk builder; the store never sorts a bulk update, so it is dropped."""
    add_update = BulkOperationBuilder.add_update
    if getattr(add_update, "drops_sort", False):
        return

    def without_sort(self: Any, *args: Any, sort: Any = None, **kwargs: Any) -> Any:
        return add_update(self, *args, **kwargs)

    without_sort.drops_sort = True  # type: ignore[attr-defined]
    BulkOperationBuilder.add_update = without_sort  # type: ignore[method-assign]


_bulk_updates_without_sort()


def memory_db(name: str = "memory") -> Any:
    """A fresh in-memory database (one per test)."""
    return AsyncMongoMockClient(tz_aware=True)[name]


class RecordingRelay:
    """Stands in for the outbox relay: remembers which documents it was asked to publish."""

    def __init__(self) -> None:
        self.enqueued: list[tuple[str, Any]] = []
        self.together: list[Any] = []  # events published for several documents at once

    async def publish_together(self, collection: Any, documents: Any, together: Any) -> None:
        """The documents are handed over like any other; the event standing for them is kept."""
        if documents:
            self.together.append(together)
        self.enqueued.extend((collection.name, document["_id"]) for document in documents)

    def enqueue(self, collection: Any, doc_id: Any, written: Any = None) -> None:
        self.enqueued.append((collection.name, doc_id))


def memory_writer(db: Any) -> tuple[DocumentWriter, RecordingRelay]:
    relay = RecordingRelay()
    locks = DocumentLocks(db["locks"], ttl=timedelta(seconds=30))
    return DocumentWriter(locks, relay), relay  # type: ignore[arg-type]


class FixedClock:
    def __init__(self, now: datetime = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)) -> None:
        self.moment = now

    def now(self) -> datetime:
        return self.moment

    def today(self) -> date:
        return self.moment.date()

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


async def outbox_of(collection: Any, doc_id: Any) -> list[str]:
    """The event types waiting in a document's outbox, in order."""
    document = await collection.find_one({"_id": doc_id})
    return [entry["event_type"] for entry in (document or {}).get("outbox", [])]
