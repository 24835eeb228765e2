"""Per-document locks built on unique inserts: one writer at a time for a read, a change
worked out from it, and the write (and the timer writes that follow it).

FerretDB 1.x as released applied an update by reading the document, changing it in memory
and writing it back whole, so two clients updating one document at once could both "match"
the same condition and one could undo the other's write (measured: 100 racing conditional
updates gave 173 winners; 200 racing `$set`s of different fields lost 68). The local build
applies each update atomically (deploy/ferretdb/patches/handler_write_lock.go), as MongoDB
does, so a single update needs no lock: the outbox relay takes none, and collections
guarded by version (services.common.unit_of_work) take these locks only for edits that
write timers. Every other read-check-write of a document that more than one writer touches
(an HTTP handler, a consumer, the scheduler; in one process or in several replicas) runs
under one of these locks: two small writes.

A lock expires after `ttl` so that a crashed holder cannot block the document forever.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import timedelta

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from contracts.envelope import utc_now
from services.common.store import Document


class LockBusy(Exception):
    """The document stayed locked by another writer for longer than we were willing to wait."""


class DocumentLocks:
    def __init__(self, collection: AsyncCollection[Document], ttl: timedelta) -> None:
        self._collection = collection
        self._ttl = ttl

    async def try_acquire(self, key: str) -> str | None:
        """The owner token if we now hold the lock, else None (someone else holds it)."""
        owner = uuid.uuid4().hex
        for _ in range(2):
            now = utc_now()
            try:
                await self._collection.insert_one(
                    {"_id": key, "owner": owner, "expires_at": now + self._ttl}
                )
                return owner
            except DuplicateKeyError:
                held = await self._collection.find_one({"_id": key})
                if held is None:
                    continue  # released meanwhile: try again at once
                if held["expires_at"] > now:
                    return None
                # Expired: its holder crashed or stalled. Remove exactly that lock, then retry.
                await self._collection.delete_one({"_id": key, "owner": held["owner"]})
        return None

    async def release(self, key: str, owner: str) -> None:
        await self._collection.delete_one({"_id": key, "owner": owner})

    @contextlib.asynccontextmanager
    async def hold(self, key: str, wait_seconds: float = 5.0) -> AsyncIterator[None]:
        """Wait (with jittered back-off) for the lock, run the block, release it."""
        deadline = asyncio.get_running_loop().time() + wait_seconds
        delay = 0.005
        while (owner := await self.try_acquire(key)) is None:
            if asyncio.get_running_loop().time() > deadline:
                raise LockBusy(key)
            await asyncio.sleep(delay * (1 + random.random()))
            delay = min(delay * 2, 0.2)
        try:
            yield
        finally:
            await self.release(key, owner)

    @contextlib.asynccontextmanager
    async def attempt(self, key: str) -> AsyncIterator[bool]:
        """Run the block only if the lock is free now; yields whether we hold it."""
        owner = await self.try_acquire(key)
        try:
            yield owner is not None
        finally:
            if owner is not None:
                await self.release(key, owner)


class LocalLocks:
    """Per-key locks inside one process: writers of one document in this process take
    turns without a store round trip (services.common.unit_of_work, for documents guarded by
    their version; other processes are kept out by the version check itself)."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: dict[str, int] = {}

    @contextlib.asynccontextmanager
    async def hold(self, key: str, wait_seconds: float = 5.0) -> AsyncIterator[None]:
        """Wait up to `wait_seconds` (0: not at all) for the key, run the block."""
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            if lock.locked() and wait_seconds <= 0:
                raise LockBusy(key)
            try:
                async with asyncio.timeout(max(wait_seconds, 0.001)):
                    await lock.acquire()
            except TimeoutError:
                raise LockBusy(key) from None
            try:
                yield
            finally:
                lock.release()
        finally:
            self._users[key] -= 1
            if not self._users[key]:  # the last one: forget the key
                del self._users[key], self._locks[key]

    @contextlib.asynccontextmanager
    async def hold_all(self, keys: Sequence[str], wait_seconds: float = 5.0) -> AsyncIterator[None]:
        """Hold every key, and none while waiting for one. A writer of many documents that
        kept the keys it had while it waited for the next kept every single-document writer
        of those waiting too, a key at a time: a police batch of 95 children made concerns
        about them time out until their messages were dead-lettered (make chaos)."""
        deadline = time.monotonic() + wait_seconds
        while True:
            async with contextlib.AsyncExitStack() as held:
                try:
                    for key in keys:
                        await held.enter_async_context(self.hold(key, 0))
                except LockBusy as busy:
                    taken = str(busy.args[0])
                else:
                    yield
                    return
            # Nothing held now: wait for the key that was taken, then try them all again.
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise LockBusy(taken)
            async with self.hold(taken, remaining):
                pass


def lock_key(collection: AsyncCollection[Document], doc_id: object) -> str:
    return f"{collection.name}/{doc_id}"
