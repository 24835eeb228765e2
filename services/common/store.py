"""MongoDB access shared by the services (PyMongo's asyncio API).

Only what both MongoDB 7 and FerretDB 1.x support: single-document atomicity, unique
indexes, find_one_and_update, upserts. No transactions, no change streams.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pymongo import AsyncMongoClient, UpdateOne, monitoring
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import (
    AutoReconnect,
    BulkWriteError,
    ConnectionFailure,
    DuplicateKeyError,
    NetworkTimeout,
    OperationFailure,
)

from services.common.settings import CommonSettings

Document = dict[str, Any]
DUPLICATE_KEY = 11000

# Failures worth retrying: the store is briefly out of reach, not the request is wrong.
TRANSIENT_STORE_ERRORS: tuple[type[Exception], ...] = (
    ConnectionFailure,
    AutoReconnect,
    NetworkTimeout,
)


def is_transient(exc: BaseException) -> bool:
    """Worth trying again: the store is out of reach, or (FerretDB on SQLite) refused a write
    that collided with another writer's transaction ("database is locked") instead of
    waiting; nothing of it was applied."""
    if isinstance(exc, TRANSIENT_STORE_ERRORS):
        return True
    return isinstance(exc, OperationFailure) and "database is locked" in str(exc)


def make_client(
    settings: CommonSettings, listeners: list[monitoring.CommandListener] | None = None
) -> AsyncMongoClient[Document]:
    return AsyncMongoClient(
        settings.mongo_url,
        tz_aware=True,
        serverSelectionTimeoutMS=5_000,
        connectTimeoutMS=5_000,
        # A stalled store must fail the request (and be retried), not hang it.
        socketTimeoutMS=30_000,
        maxPoolSize=settings.mongo_max_pool_size,
        appname="harbour",
        event_listeners=listeners or [],
    )


async def insert_if_absent(collection: AsyncCollection[Document], document: Document) -> bool:
    """Store an effect whose `_id` is derived from the event that caused it.

    Returns False when it was already there: a redelivered event changes nothing."""
    try:
        await collection.insert_one(document)
    except DuplicateKeyError:
        return False
    return True


async def insert_many_if_absent(
    collection: AsyncCollection[Document], documents: Sequence[Document]
) -> set[int]:
    """`insert_if_absent` for many documents in one unordered insert; returns the positions
    of those that were already there."""
    if not documents:
        return set()
    try:
        await collection.insert_many(documents, ordered=False)
    except BulkWriteError as exc:
        return stored_already(exc)
    return set()


def stored_already(exc: BulkWriteError) -> set[int]:
    """The positions an unordered bulk write found stored already (duplicate keys); the
    error itself if anything else failed."""
    errors = exc.details.get("writeErrors", [])
    if any(error.get("code") != DUPLICATE_KEY for error in errors):
        raise exc
    return {int(error["index"]) for error in errors}


async def ping(client: AsyncMongoClient[Document]) -> None:
    await client.admin.command("ping")


async def upsert_if_newer(
    collection: AsyncCollection[Document], doc_id: str, state: Document, as_of: Any
) -> bool:
    """Keep a read model of another service's state: apply `state` only if it is newer than
    what is stored, so a late redelivery of an older event cannot undo a newer one.

    One conditional upsert: it matches a stored copy that is older (or has no `as_of`), and
    inserts when there is none; a newer copy makes the insert a duplicate key. Atomic on
    MongoDB and on the local FerretDB build (deploy/ferretdb/patches/handler_write_lock.go)."""
    try:
        await collection.update_one(*_if_newer(doc_id, state, as_of), upsert=True)
    except DuplicateKeyError:
        return False  # what is stored is as new or newer
    return True


async def upsert_many_if_newer(
    collection: AsyncCollection[Document], states: Sequence[tuple[str, Document]], as_of: Any
) -> None:
    """`upsert_if_newer` for many documents in one bulk write (a roster's pupils)."""
    if not states:
        return
    writes = [UpdateOne(*_if_newer(doc_id, state, as_of), upsert=True) for doc_id, state in states]
    try:
        await collection.bulk_write(writes, ordered=False)
    except BulkWriteError as exc:
        stored_already(exc)  # a duplicate key is a newer copy stored


def _if_newer(doc_id: str, state: Document, as_of: Any) -> tuple[Document, Document]:
    """The filter and update of a conditional upsert: a stored copy that is older (or has
    no `as_of`) matches; none at all inserts; a newer one makes it a duplicate key."""
    older = {"$or": [{"as_of": {"$lt": as_of}}, {"as_of": None}]}
    return {"_id": doc_id, **older}, {"$set": {**state, "as_of": as_of}}
