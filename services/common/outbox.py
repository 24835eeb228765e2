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
from services.common.store import Document

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
    await collection.create_index(
        [("outbox_pending", ASCENDING), ("relay_lease_until", ASCENDING)], name="outbox_pending"
    )


class OutboxRelay:
    """Publishes pending events of the watched collections.

    Several replicas may run: each document is published under its document lock, which
    every other writer of that document also takes, so replicas do not publish the same
    events at once and the relay's marks never overwrite a concurrent state change.
    """

    def __init__(
        self,
        publish: Publish,
        locks: DocumentLocks,
        *,
        poll_seconds: float,
        batch: int,
        backoff: Callable[[int], float] = lambda attempts: min(30.0, 0.5 * 2**attempts),
    ) -> None:
        self._publish = publish
        self._locks = locks
        self._collections: list[AsyncCollection[Document]] = []
        self._poll_seconds = poll_seconds
        self._batch = batch
        self._backoff = backoff
        self._wake = asyncio.Event()

    def watch(self, *collections: AsyncCollection[Document]) -> None:
        self._collections.extend(collections)

    @property
    def collections(self) -> list[AsyncCollection[Document]]:
        return list(self._collections)

    def wake(self) -> None:
        """Called after a write with events, so they go out now rather than at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        while True:
            self._wake.clear()
            try:
                published = await self.relay_once()
            except Exception:
                log.exception("outbox relay pass failed")
                published = 0
            if published >= self._batch:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._poll_seconds)

    async def relay_once(self) -> int:
        total = 0
        for collection in self._collections:
            total += await self._relay_collection(collection)
        return total

    async def _relay_collection(self, collection: AsyncCollection[Document]) -> int:
        cursor = collection.find(
            {"outbox_pending": True, "relay_lease_until": {"$lte": utc_now()}},
            projection={"_id": 1},
            limit=self._batch,
        )
        ids = [candidate["_id"] async for candidate in cursor]
        published = 0
        for doc_id in ids:
            async with self._locks.attempt(lock_key(collection, doc_id)) as held:
                if held:
                    published += await self._relay_document(collection, doc_id)
        return published

    async def _relay_document(self, collection: AsyncCollection[Document], doc_id: Any) -> int:
        document = await collection.find_one({"_id": doc_id, "outbox_pending": True})
        if document is None or document["relay_lease_until"] > utc_now():
            return 0  # published by another relay meanwhile, or backing off
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
        # The lease doubles as the retry timer: back off before the next attempt.
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
