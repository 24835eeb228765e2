"""The transactional outbox: events are stored in the same document as the state change
that caused them, then published by a relay with publisher confirms.

A crash between publishing and marking gives a duplicate (same event_id, harmless to
idempotent consumers), never a loss. Any other writer of a document with an outbox must
hold its document lock (services.common.locks) while it reads and writes it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel
from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection

from contracts.envelope import Envelope, utc_now
from services.common.locks import DocumentLocks, lock_key
from services.common.store import Document, insert_if_absent

log = logging.getLogger("harbour.outbox")

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

Publish = Callable[[str, str, bytes], Awaitable[None]]  # event_id, event_type, body


def outbox_entry(envelope: Envelope[BaseModel]) -> Document:
    """An outbox row (eShop's shape): id, type, serialized body, state, attempts."""
    return {
        "event_id": envelope.event_id,
        "event_type": envelope.event_type,
        "body": envelope.model_dump_json(serialize_as_any=True),
        "state": "pending",
        "attempts": 0,
    }


def with_outbox(document: Document, envelopes: Sequence[Envelope[BaseModel]]) -> Document:
    """A new document carrying its pending events (for insert_one)."""
    return {
        **document,
        "outbox": [outbox_entry(e) for e in envelopes],
        "outbox_count": len(envelopes),
        "outbox_pending": bool(envelopes),
        "relay_lease_until": EPOCH,
    }


def push_events(envelopes: Sequence[Envelope[BaseModel]]) -> dict[str, Any]:
    """Update operators that append events to an existing document in the same write."""
    if not envelopes:
        return {}
    return {
        "$push": {"outbox": {"$each": [outbox_entry(e) for e in envelopes]}},
        "$inc": {"outbox_count": len(envelopes)},
        "$set": {"outbox_pending": True},
    }


def merge_updates(*updates: dict[str, Any]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for update in updates:
        for operator, fields in update.items():
            merged.setdefault(operator, {}).update(fields)
    return merged


async def ensure_outbox_index(collection: AsyncCollection[Document]) -> None:
    # Used by MongoDB for the relay's sweep; FerretDB 1.x scans regardless.
    await collection.create_index([("outbox_pending", ASCENDING)], name="outbox_sweep")


class OutboxRelay:
    """Publishes the pending events of the watched collections.

    Finding work must not mean scanning big collections (FerretDB 1.x scans for anything
    but an `_id` lookup), so a writer calls `notify(collection, doc_id)` after its write:
    that leaves a pointer in a small collection that every replica's relay reads, and a hint
    for this process's relay. A sweep of the watched collections (at start and then every
    `sweep_seconds`) recreates pointers lost to a crash between a write and its notify.

    Each document is published under its document lock, which every other writer of that
    document also takes, so replicas do not publish the same events at once and the
    relay's marks never overwrite a concurrent state change.
    """

    def __init__(
        self,
        publish: Publish,
        locks: DocumentLocks,
        pointers: AsyncCollection[Document],
        *,
        poll_seconds: float,
        sweep_seconds: float,
        batch: int,
        concurrency: int = 16,
        backoff: Callable[[int], float] = lambda attempts: min(30.0, 0.5 * 2**attempts),
    ) -> None:
        self._publish = publish
        self._locks = locks
        self._pointers = pointers
        self._collections: dict[str, AsyncCollection[Document]] = {}
        self._poll_seconds = poll_seconds
        self._sweep_seconds = sweep_seconds
        self._batch = batch
        self._concurrency = concurrency
        self._backoff = backoff
        self._hints: dict[tuple[str, Any], None] = {}
        self._wake = asyncio.Event()

    def watch(self, *collections: AsyncCollection[Document]) -> None:
        for collection in collections:
            self._collections[collection.name] = collection

    @property
    def collections(self) -> list[AsyncCollection[Document]]:
        return list(self._collections.values())

    async def notify(self, collection: AsyncCollection[Document], doc_id: Any) -> None:
        """After a write that added events to a document (outside its lock)."""
        await insert_if_absent(
            self._pointers,
            {"_id": lock_key(collection, doc_id), "collection": collection.name, "doc_id": doc_id},
        )
        self._hints[(collection.name, doc_id)] = None
        self._wake.set()

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        next_sweep = 0.0
        loop = asyncio.get_running_loop()
        while True:
            self._wake.clear()
            try:
                if loop.time() >= next_sweep:
                    await self.sweep()
                    next_sweep = loop.time() + self._sweep_seconds
                published = await self.relay_once()
            except Exception:
                log.exception("outbox relay pass failed")
                published = 0
            if published >= self._batch:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._poll_seconds)

    async def sweep(self) -> int:
        """Pointers for every document with pending events (crash recovery)."""
        found = 0
        for collection in self._collections.values():
            cursor = collection.find({"outbox_pending": True}, projection={"_id": 1})
            async for document in cursor:
                found += await insert_if_absent(
                    self._pointers,
                    {
                        "_id": lock_key(collection, document["_id"]),
                        "collection": collection.name,
                        "doc_id": document["_id"],
                    },
                )
        return found

    async def relay_once(self) -> int:
        work = dict(self._hints)
        self._hints.clear()
        async for pointer in self._pointers.find({}, limit=self._batch):
            work[(pointer["collection"], pointer["doc_id"])] = None
        gate = asyncio.Semaphore(self._concurrency)

        async def one(name: str, doc_id: Any) -> int:
            collection = self._collections.get(name)
            if collection is None:
                return 0
            async with gate, self._locks.attempt(lock_key(collection, doc_id)) as held:
                return await self._relay_document(collection, doc_id) if held else 0

        return sum(await asyncio.gather(*(one(name, doc_id) for name, doc_id in work)))

    async def _relay_document(self, collection: AsyncCollection[Document], doc_id: Any) -> int:
        # `_id`-only lookups: FerretDB answers them from its primary key, anything else scans.
        document = await collection.find_one({"_id": doc_id})
        if document is None or not document.get("outbox_pending"):
            await self._pointers.delete_one({"_id": lock_key(collection, doc_id)})
            return 0
        if document.get("relay_lease_until", EPOCH) > utc_now():
            return 0  # backing off after a failed publish
        marks: dict[str, Any] = {}
        for index, entry in enumerate(document["outbox"]):
            if entry["state"] != "pending":
                continue
            try:
                await self._publish(entry["event_id"], entry["event_type"], entry["body"].encode())
            except Exception as exc:
                await self._mark_failed(collection, document, marks, index, exc)
                return len(marks) // 2
            marks[f"outbox.{index}.state"] = "published"
            marks[f"outbox.{index}.published_at"] = utc_now()
        await collection.update_one(
            {"_id": doc_id},
            {"$set": {**marks, "outbox_pending": False, "relay_lease_until": EPOCH}},
        )
        # Still under the document lock: a writer's later notify() recreates the pointer.
        await self._pointers.delete_one({"_id": lock_key(collection, doc_id)})
        return len(marks) // 2

    async def _mark_failed(
        self,
        collection: AsyncCollection[Document],
        document: Document,
        marks: dict[str, Any],
        index: int,
        exc: Exception,
    ) -> None:
        entry = document["outbox"][index]
        attempts = entry.get("attempts", 0) + 1
        log.warning(
            "publish failed, will retry",
            extra={"event_id": entry["event_id"], "error": type(exc).__name__},
        )
        # Back off before the next attempt; the pointer stays, so the retry is not lost.
        retry_at = utc_now() + timedelta(seconds=self._backoff(attempts))
        await collection.update_one(
            {"_id": document["_id"]},
            {
                "$set": {
                    **marks,
                    f"outbox.{index}.attempts": attempts,
                    f"outbox.{index}.last_error": f"{type(exc).__name__}: {exc}"[:300],
                    "relay_lease_until": retry_at,
                }
            },
        )
