"""The outbox relay: publishes the events stored in documents' outboxes
(services.common.outbox), with publisher confirms, and marks them published."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any

from pydantic import BaseModel
from pymongo.asynchronous.collection import AsyncCollection

from contracts.envelope import Envelope, utc_now
from services.common.field_cipher import FieldCipher
from services.common.metrics import OutboxBacklog, ServiceMetrics
from services.common.outbox import EPOCH
from services.common.outbox_marks import Mark, write_marks
from services.common.store import Document

log = logging.getLogger("harbour.outbox")

Publish = Callable[[str, str, bytes], Awaitable[None]]  # event_id, event_type, body


class OutboxRelay:
    """Publishes the pending events of the watched collections.

    A writer calls `enqueue(collection, doc_id)` after its write and this process's relay
    publishes at once; a failed publish or store error keeps the document queued, with
    back-off. Work is never found by scanning on the hot path (FerretDB 1.x scans for
    anything but an `_id` lookup); only the sweep scans: at start (a process that died
    between its write and the publish is found when it comes back), and about every
    `sweep_seconds` (a replica that died and stays down).

    No lock is taken: the relay reads the document, publishes its pending events, and marks
    them published in a write that also clears `outbox_pending` only if no event was added
    since its read (a compare on `outbox_count`; writers only ever append events, with
    `$push`); otherwise it keeps the marks and looks again. This needs each update to be
    atomic on its document: MongoDB's, and the local FerretDB build's
    (deploy/ferretdb/patches/handler_write_lock.go). Two replicas may publish one event
    twice, which consumers ignore.
    """

    def __init__(
        self,
        publish: Publish,
        *,
        poll_seconds: float,
        sweep_seconds: float,
        concurrency: int = 16,
        backoff: Callable[[int], float] = lambda attempts: min(30.0, 0.5 * 2**attempts),
        cipher: FieldCipher | None = None,
        metrics: ServiceMetrics | None = None,
        mark_seconds: float = 0.0,
    ) -> None:
        self._publish = publish
        self.cipher = cipher  # opens sealed bodies; writers seal with the same one
        self._collections: dict[str, AsyncCollection[Document]] = {}
        # Documents as their writer just inserted them: published from memory on the first
        # attempt (one read fewer each; the conditional mark catches anything added since).
        self._written: dict[tuple[str, Any], Document] = {}
        self._poll_seconds = poll_seconds
        self._sweep_seconds = sweep_seconds
        self._concurrency = concurrency
        self._backoff = backoff
        # (collection name, document id) → when to try it (monotonic clock).
        self._pending: dict[tuple[str, Any], float] = {}
        self._failures: dict[tuple[str, Any], int] = {}  # store errors in a row, for back-off
        self._wake = asyncio.Event()
        # The backlog, for metrics and readiness, from what the relay holds anyway: when
        # each queued document was first handed over (monotonic), and how many unpublished
        # events it had when last read (1 until then). Nothing is counted in the store.
        self._since: dict[tuple[str, Any], float] = {}
        self._unpublished: dict[tuple[str, Any], int] = {}
        self._metrics = metrics
        # Published events are marked in the store together, up to `mark_seconds` later
        # (one write for many documents; a crash before it means the next start's sweep
        # publishes them again, which consumers take as repeats).
        self._mark_seconds = mark_seconds
        self._unmarked: dict[tuple[str, Any], Mark] = {}
        self._unmarked_since = 0.0

    def watch(self, *collections: AsyncCollection[Document]) -> None:
        for collection in collections:
            self._collections[collection.name] = collection

    def enqueue(
        self, collection: AsyncCollection[Document], doc_id: Any, written: Document | None = None
    ) -> None:
        """Publish this document's pending events now: called after a write that added
        events to it. `written`: the document as just inserted, to publish from without
        reading it back."""
        if written is not None:
            self._written[(collection.name, doc_id)] = written
        self._pending[(collection.name, doc_id)] = 0.0
        self._since.setdefault((collection.name, doc_id), time.monotonic())
        self._wake.set()

    async def publish_together(
        self,
        collection: AsyncCollection[Document],
        documents: Sequence[Document],
        together: Envelope[BaseModel],
    ) -> None:
        """Documents just inserted with one pending event each, published as one event that
        stands for all of theirs (`together`; a roster's pupils), then marked published in
        one write. Their own events stay stored: if the publish or the mark fails, each
        document is queued to publish its own (consumers take a repeat as a no-op)."""
        if not documents:
            return
        try:
            await self._publish(
                together.event_id, together.event_type, together.model_dump_json().encode()
            )
            self._count("events_published", together.event_type)
            await collection.update_many(
                {"_id": {"$in": [d["_id"] for d in documents]}, "outbox_count": 1},
                {
                    "$set": {
                        "outbox.0.state": "published",
                        "outbox.0.published_at": utc_now(),
                        "outbox_pending": False,
                    }
                },
            )
        except Exception as exc:
            log.warning(
                "publishing together failed; each document publishes its own",
                extra={"collection": collection.name, "error": type(exc).__name__},
            )
            for document in documents:
                self.enqueue(collection, document["_id"], written=document)

    def backlog(self) -> OutboxBacklog:
        """What this relay has been handed and not yet published (documents another
        replica wrote are counted here only once a sweep finds them)."""
        if not self._since:
            return OutboxBacklog(documents=0, events=0, oldest_seconds=0.0)
        events = sum(self._unpublished.get(key, 1) for key in self._since)
        oldest = time.monotonic() - min(self._since.values())
        return OutboxBacklog(documents=len(self._since), events=events, oldest_seconds=oldest)

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        next_sweep = 0.0
        while True:
            self._wake.clear()
            try:
                if loop.time() >= next_sweep:
                    await self.sweep()
                    # Jittered, so that services started together do not all scan at once.
                    next_sweep = loop.time() + self._sweep_seconds * random.uniform(0.8, 1.2)
                await self.relay_once()
            except Exception:
                log.exception("outbox relay pass failed")
            waits = [self._poll_seconds, next_sweep - loop.time()]
            waits += [at - loop.time() for at in self._pending.values()]
            if self._unmarked:
                waits.append(self._unmarked_since + self._mark_seconds - loop.time())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=max(0.01, min(waits)))

    async def sweep(self) -> int:
        """Queue every document with pending events (crash recovery; scans on FerretDB)."""
        found = 0
        for name, collection in self._collections.items():
            cursor = collection.find({"outbox_pending": True}, projection={"_id": 1})
            async for document in cursor:
                self._pending.setdefault((name, document["_id"]), 0.0)
                self._since.setdefault((name, document["_id"]), time.monotonic())
                found += 1
        return found

    async def relay_once(self, *, everything: bool = False) -> int:
        """Publish the documents that are due (`everything`: also those backing off, for a
        last attempt before the process stops). The pass's documents are marked published
        together: one write per collection."""
        now = asyncio.get_running_loop().time()
        due = [key for key, at in self._pending.items() if everything or at <= now]
        if any(key in self._unmarked for key in due):
            await self._mark_unmarked()  # so that what it published is not published twice
        for key in due:
            self._pending.pop(key, None)
        gate = asyncio.Semaphore(self._concurrency)

        async def one(name: str, doc_id: Any) -> tuple[int, Mark | None]:
            async with gate:
                try:
                    published, retry_in, mark = await self._relay(self._collections[name], doc_id)
                except Exception as exc:  # e.g. the store timed out: keep the document queued
                    published, retry_in, mark = 0, self._failed((name, doc_id), exc), None
                else:
                    self._failures.pop((name, doc_id), None)
            if mark is None:
                self._settle((name, doc_id), retry_in)
            return published, mark

        try:
            results = await asyncio.gather(*(one(name, doc_id) for name, doc_id in due))
            if not self._unmarked:
                self._unmarked_since = now
            self._unmarked.update((mark.key, mark) for _, mark in results if mark is not None)
            if everything or now - self._unmarked_since >= self._mark_seconds:
                await self._mark_unmarked()
        except asyncio.CancelledError:
            # Stopped mid-pass (the service is stopping): whatever this pass took stays
            # queued for the last pass before exit. One already done is looked up once more
            # and found published.
            for key in due:
                self._pending.setdefault(key, 0.0)
            raise
        return sum(published for published, _ in results)

    def _failed(self, key: tuple[str, Any], exc: Exception) -> float:
        """A store error: back off before trying the document again."""
        failures = self._failures.get(key, 0) + 1
        self._failures[key] = failures
        log.warning(
            "outbox relay failed, will retry",
            extra={"collection": key[0], "error": type(exc).__name__},
        )
        return self._backoff(failures)

    def _settle(self, key: tuple[str, Any], retry_in: float | None) -> None:
        if retry_in is not None:
            self._pending[key] = asyncio.get_running_loop().time() + retry_in
        elif key not in self._pending:  # done, and not handed over again since
            self._since.pop(key, None)
            self._unpublished.pop(key, None)

    async def _mark_unmarked(self) -> None:
        marks, self._unmarked = list(self._unmarked.values()), {}
        await self._mark_all(marks)

    async def _mark_all(self, marks: Sequence[Mark]) -> None:
        by_collection: dict[str, list[Mark]] = {}
        for mark in marks:
            by_collection.setdefault(mark.key[0], []).append(mark)
        for name, group in by_collection.items():
            try:
                retries = await write_marks(self._collections[name], group)
            except Exception as exc:
                retries = {mark.key: self._failed(mark.key, exc) for mark in group}
            for key, retry_in in retries.items():
                self._settle(key, retry_in)

    async def _relay(
        self, collection: AsyncCollection[Document], doc_id: Any
    ) -> tuple[int, float | None, Mark | None]:
        """Events published; in how many seconds to try again (None: done, or marked by
        `_mark_all`); and the mark saying which were published."""
        document = self._written.pop((collection.name, doc_id), None)
        if document is None:
            # `_id`-only lookups: FerretDB answers them from its primary key.
            document = await collection.find_one({"_id": doc_id})
        if document is None or not document.get("outbox_pending"):
            return 0, None, None
        wait = (document.get("relay_lease_until", EPOCH) - utc_now()).total_seconds()
        if wait > 0:
            return 0, wait, None  # backing off after a failed publish (maybe on another replica)
        marks: dict[str, Any] = {}
        published = 0
        key = (collection.name, doc_id)
        unpublished = sum(1 for entry in document["outbox"] if entry["state"] == "pending")
        self._unpublished[key] = unpublished
        for index, entry in enumerate(document["outbox"]):
            if entry["state"] != "pending":
                continue
            try:
                body = await self._body_of(entry)
                await self._publish(entry["event_id"], entry["event_type"], body.encode())
            except Exception as exc:
                self._count("publish_failures", entry["event_type"])
                retry_in = await self._mark_failed(collection, document, marks, index, exc)
                return published, retry_in, None
            marks[f"outbox.{index}.state"] = "published"
            marks[f"outbox.{index}.published_at"] = utc_now()
            published += 1
            self._unpublished[key] = unpublished - published
            self._count("events_published", entry["event_type"])
        return published, None, Mark.of(key, document, marks)

    async def _body_of(self, entry: Document) -> str:
        body = entry["body"]
        if isinstance(body, str):  # stored before encryption at rest
            return body
        if self.cipher is None:
            raise RuntimeError("a sealed outbox body, and no cipher to open it")
        return str((await self.cipher.for_trust(entry.get("trust_id"))).open(body))

    def _count(self, counter: str, event_type: str) -> None:
        if self._metrics is not None:
            getattr(self._metrics, counter).labels(event_type).inc()

    async def _mark_failed(
        self,
        collection: AsyncCollection[Document],
        document: Document,
        marks: dict[str, Any],
        index: int,
        exc: Exception,
    ) -> float:
        entry = document["outbox"][index]
        attempts = entry.get("attempts", 0) + 1
        log.warning(
            "publish failed, will retry",
            extra={"event_id": entry["event_id"], "error": type(exc).__name__},
        )
        # Recorded on the document, so that every replica's sweep backs off too.
        delay = self._backoff(attempts)
        await collection.update_one(
            {"_id": document["_id"]},
            {
                "$set": {
                    **marks,
                    f"outbox.{index}.attempts": attempts,
                    f"outbox.{index}.last_error": f"{type(exc).__name__}: {exc}"[:300],
                    "relay_lease_until": utc_now() + timedelta(seconds=delay),
                }
            },
        )
        return delay
