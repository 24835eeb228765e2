"""The transactional outbox: events are stored in the same document as the state change
that caused them, then published by a relay with publisher confirms.

A crash between publishing and marking gives a duplicate (same event_id, harmless to
idempotent consumers), never a loss.
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
from services.common.store import Document

log = logging.getLogger("harbour.outbox")

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
LEASE = timedelta(seconds=30)

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
    """Publishes pending events of the watched collections, oldest documents first.

    Several replicas may run: a short lease on each document keeps them from publishing
    the same events at the same time; an expired lease (a crashed relay) is taken over.
    """

    def __init__(
        self,
        publish: Publish,
        *,
        poll_seconds: float,
        batch: int,
        backoff: Callable[[int], float] = lambda attempts: min(30.0, 0.5 * 2**attempts),
    ) -> None:
        self._publish = publish
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
        now = utc_now()
        cursor = collection.find(
            {"outbox_pending": True, "relay_lease_until": {"$lte": now}},
            projection={"_id": 1},
            limit=self._batch,
        )
        published = 0
        async for candidate in cursor:
            published += await self._relay_document(collection, candidate["_id"])
        return published

    async def _relay_document(self, collection: AsyncCollection[Document], doc_id: Any) -> int:
        now = utc_now()
        claimed = await collection.find_one_and_update(
            {"_id": doc_id, "outbox_pending": True, "relay_lease_until": {"$lte": now}},
            {"$set": {"relay_lease_until": now + LEASE}},
        )  # no projection: FerretDB 1.x does not support one on findAndModify
        if claimed is None:
            return 0  # another relay took it, or it was already published
        sent: dict[str, Any] = {}
        failure: tuple[int, str] | None = None
        count = 0
        for index, entry in enumerate(claimed["outbox"]):
            if entry["state"] != "pending":
                continue
            try:
                await self._publish(entry["event_id"], entry["event_type"], entry["body"].encode())
            except Exception as exc:
                failure = (index, f"{type(exc).__name__}: {exc}"[:300])
                log.warning(
                    "publish failed, will retry",
                    extra={"event_id": entry["event_id"], "error": type(exc).__name__},
                )
                break
            sent[f"outbox.{index}.state"] = "published"
            sent[f"outbox.{index}.published_at"] = utc_now()
            count += 1
        if failure is None:
            await self._mark_published(collection, claimed, sent)
        else:
            await self._mark_failed(collection, claimed, sent, failure)
        return count

    async def _mark_published(
        self, collection: AsyncCollection[Document], claimed: Document, sent: dict[str, Any]
    ) -> None:
        done = {**sent, "relay_lease_until": EPOCH}
        # Clear the flag only if no event was appended while we were publishing.
        result = await collection.update_one(
            {"_id": claimed["_id"], "outbox_count": claimed["outbox_count"]},
            {"$set": {**done, "outbox_pending": False}},
        )
        if result.matched_count == 0:
            await collection.update_one({"_id": claimed["_id"]}, {"$set": done})

    async def _mark_failed(
        self,
        collection: AsyncCollection[Document],
        claimed: Document,
        sent: dict[str, Any],
        failure: tuple[int, str],
    ) -> None:
        index, error = failure
        attempts = claimed["outbox"][index].get("attempts", 0) + 1
        # The lease doubles as the retry timer: back off before the next attempt.
        retry_at = utc_now() + timedelta(seconds=self._backoff(attempts))
        await collection.update_one(
            {"_id": claimed["_id"]},
            {
                "$set": {
                    **sent,
                    f"outbox.{index}.attempts": attempts,
                    f"outbox.{index}.last_error": error,
                    "relay_lease_until": retry_at,
                }
            },
        )
