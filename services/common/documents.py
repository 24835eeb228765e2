"""Writing a document's state and the events it causes in one write, with optimistic
concurrency (a `version` field) where no lock is held."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from contracts.envelope import Envelope
from services.common.locks import DocumentLocks, lock_key
from services.common.outbox import merge_updates, push_events, with_outbox
from services.common.store import Document

EventsFor = Callable[[Document | None], Sequence[Envelope[BaseModel]]]


class WriteConflict(Exception):
    """The document kept changing under us; the caller may retry the request."""


async def put_state(
    collection: AsyncCollection[Document],
    doc_id: str,
    state: dict[str, Any],
    events_for: EventsFor,
    *,
    meta: dict[str, Any] | None = None,
    locks: DocumentLocks | None = None,
) -> tuple[Document, bool]:
    """Set `state` on the document; when it differs from what is stored, also append the
    events `events_for(current)` returns. Returns the stored document and whether it changed.

    PUTting the same state again changes nothing and publishes nothing. Pass the service's
    `locks` whenever the document has an outbox (the relay writes it too)."""
    if locks is None:
        return await _put_state(collection, doc_id, state, events_for, meta or {}, locked=False)
    async with locks.hold(lock_key(collection, doc_id)):
        return await _put_state(collection, doc_id, state, events_for, meta or {}, locked=True)


async def _put_state(
    collection: AsyncCollection[Document],
    doc_id: str,
    state: dict[str, Any],
    events_for: EventsFor,
    meta: dict[str, Any],
    *,
    locked: bool,
    attempts: int = 8,
) -> tuple[Document, bool]:
    for _ in range(attempts):
        current = await collection.find_one({"_id": doc_id})
        if current is not None and all(current.get(k) == v for k, v in state.items()):
            return current, False
        events = events_for(current)
        if current is None:
            document = with_outbox({"_id": doc_id, **state, **meta, "version": 1}, events)
            try:
                await collection.insert_one(document)
            except DuplicateKeyError:
                continue
            return document, True
        update = merge_updates(
            {"$set": {**state, **meta}, "$inc": {"version": 1}}, push_events(events)
        )
        # Under the lock nobody else writes; without it, the version guards (on MongoDB).
        where = {"_id": doc_id} if locked else {"_id": doc_id, "version": current["version"]}
        result = await collection.update_one(where, update)
        if result.matched_count:
            return {**current, **state, **meta, "version": current["version"] + 1}, True
    raise WriteConflict(doc_id)
