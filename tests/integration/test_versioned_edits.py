"""Edits guarded by the document's version, and their relay without a lock, against the
real store: two writers stand for two replicas of a service (each with its own in-memory
turns), editing one document at once while both relays publish its events. No change is
lost, every event is published, and the outbox ends with every event marked published.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection

from services.common.document_edit import DocumentEdit
from services.common.errors import EditConflict
from services.common.locks import DocumentLocks
from services.common.outbox_relay import OutboxRelay
from services.common.unit_of_work import DocumentWriter
from tests.support.events import concern_raised
from tests.support.stack import TestStack

EDITS_PER_REPLICA = 25


class Replica:
    def __init__(self, db: Any, collection: AsyncCollection[dict[str, Any]]) -> None:
        self.published: list[str] = []
        self.conflicts = 0
        self.relay = OutboxRelay(
            self._publish,
            poll_seconds=0.05,
            sweep_seconds=3600,
        )
        self.relay.watch(collection)
        self.writer = DocumentWriter(
            DocumentLocks(db["locks"], ttl=timedelta(seconds=30)), self.relay
        )
        self.writer.guard_by_version(collection)
        self.collection = collection

    async def _publish(self, event_id: str, event_type: str, body: bytes) -> None:
        self.published.append(event_id)

    async def add(self, item: str) -> None:
        """One change and its event, redone after a conflict as a consumer would."""
        school = SimpleNamespace(school_id="oak", trust_id="oak-trust")
        while True:
            try:
                async with self.writer.edit(self.collection, "doc") as edit:
                    if edit.current is None:
                        edit.create({"items": [item]})
                    else:  # computed from what was read, as the use cases' changes are
                        edit.set({"items": [*edit.current["items"], item]})
                    edit.emit(concern_raised(school, "p-1"))  # type: ignore[arg-type]
                return
            except EditConflict:
                self.conflicts += 1

    async def add_to_all(self, item: str, doc_ids: list[str]) -> None:
        """The same change to many documents in one bulk edit (writer.edit_many), redone
        after a conflict as a consumer would; a document that has the item is left."""
        while True:
            try:
                async with self.writer.edit_many(self.collection, doc_ids) as edits:
                    for edit in edits.values():
                        _add_once(edit, item)
                return
            except EditConflict:
                self.conflicts += 1

    async def add_to(self, item: str, doc_id: str) -> None:
        """One change to one document, as `add`, left if the document has the item."""
        while True:
            try:
                async with self.writer.edit(self.collection, doc_id) as edit:
                    _add_once(edit, item)
                return
            except EditConflict:
                self.conflicts += 1


def _add_once(edit: DocumentEdit, item: str) -> None:
    """The item and its event, unless the document has the item (a redo after a conflict)."""
    school = SimpleNamespace(school_id="oak", trust_id="oak-trust")
    if edit.current is None:
        edit.create({"items": [item]})
    elif item not in edit.current["items"]:
        edit.set({"items": [*edit.current["items"], item]})
    else:
        return
    edit.emit(concern_raised(school, "p-1"))  # type: ignore[arg-type]


@pytest.fixture
async def store(stack: TestStack) -> AsyncIterator[tuple[Any, AsyncCollection[dict[str, Any]]]]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        stack.base_env()["HARBOUR_MONGO_URL"], tz_aware=True
    )
    db = client[f"{stack.db_prefix}versionededits"]
    try:
        yield db, db["docs"]
    finally:
        await client.drop_database(db.name)
        await client.close()


async def test_two_replicas_editing_one_document_lose_nothing_and_publish_everything(
    store: tuple[Any, AsyncCollection[dict[str, Any]]],
) -> None:
    db, collection = store
    replicas = [Replica(db, collection), Replica(db, collection)]
    relays = [asyncio.create_task(r.relay.run()) for r in replicas]
    try:
        await asyncio.gather(
            *(
                replica.add(f"{n}-{i}")
                for n, replica in enumerate(replicas)
                for i in range(EDITS_PER_REPLICA)
            )
        )
        stored = await collection.find_one({"_id": "doc"})
        assert stored is not None
        assert sorted(stored["items"]) == sorted(
            f"{n}-{i}" for n in range(2) for i in range(EDITS_PER_REPLICA)
        )
        assert stored["version"] == 2 * EDITS_PER_REPLICA
        events = {entry["event_id"] for entry in stored["outbox"]}
        assert len(events) == 2 * EDITS_PER_REPLICA

        async def all_published() -> bool:
            doc = await collection.find_one({"_id": "doc"})
            return doc is not None and not doc["outbox_pending"]

        for _ in range(600):  # the relays finish on their own; a busy machine is slower
            if await all_published():
                break
            await asyncio.sleep(0.05)
        stored = await collection.find_one({"_id": "doc"})
        assert stored is not None and stored["outbox_pending"] is False
        assert all(entry["state"] == "published" for entry in stored["outbox"])
        assert events <= {e for r in replicas for e in r.published}
        assert sum(r.conflicts for r in replicas) > 0  # the two really raced
        assert await db["locks"].count_documents({}) == 0  # no store lock was taken
    finally:
        for task in relays:
            task.cancel()
        await asyncio.gather(*relays, return_exceptions=True)


async def test_bulk_edits_racing_single_edits_lose_nothing_and_publish_everything(
    store: tuple[Any, AsyncCollection[dict[str, Any]]],
) -> None:
    db, collection = store
    bulk, single = Replica(db, collection), Replica(db, collection)
    relays = [asyncio.create_task(r.relay.run()) for r in (bulk, single)]
    docs = [f"doc-{d}" for d in range(10)]
    try:
        await asyncio.gather(
            *(bulk.add_to_all(f"bulk-{i}", docs) for i in range(EDITS_PER_REPLICA // 5)),
            *(
                single.add_to(f"single-{i}", doc)
                for i in range(EDITS_PER_REPLICA // 5)
                for doc in docs
            ),
        )
        expected = sorted(
            f"{kind}-{i}" for kind in ("bulk", "single") for i in range(EDITS_PER_REPLICA // 5)
        )
        events: set[str] = set()
        for doc in docs:
            stored = await collection.find_one({"_id": doc})
            assert stored is not None and sorted(stored["items"]) == expected, doc
            assert stored["version"] == len(expected)
            events |= {entry["event_id"] for entry in stored["outbox"]}
        assert len(events) == len(docs) * len(expected)  # one event per change, none twice

        async def all_published() -> bool:
            return await collection.count_documents({"outbox_pending": True}) == 0

        for _ in range(600):  # the relays finish on their own; a busy machine is slower
            if await all_published():
                break
            await asyncio.sleep(0.05)
        assert await all_published()
        assert events <= set(bulk.published) | set(single.published)
        assert bulk.conflicts + single.conflicts > 0  # they really raced
    finally:
        for task in relays:
            task.cancel()
        await asyncio.gather(*relays, return_exceptions=True)
