"""Editing many documents guarded by version at once (a police batch's children): one read,
one bulk write. Part of DocumentWriter (services.common.unit_of_work), which holds the state
these use."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from pymongo import InsertOne, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError

from services.common.document_edit import (
    CHANGED_MEANWHILE,
    WITHOUT_OUTBOX,
    DocumentEdit,
    Sealing,
    as_read,
)
from services.common.errors import Busy, EditConflict
from services.common.field_cipher import FieldCipher, open_document
from services.common.locks import LocalLocks, LockBusy, lock_key
from services.common.outbox import load_keys, log_stored
from services.common.store import Document, stored_already

if TYPE_CHECKING:
    from services.common.outbox_relay import OutboxRelay
    from services.common.recent_documents import RecentDocuments


class ManyEdits:
    """DocumentWriter's bulk edits; the attributes are DocumentWriter's."""

    _versioned: set[str]
    _sealed: dict[str, tuple[str, ...]]
    _local: LocalLocks
    _recent: RecentDocuments
    _relay: OutboxRelay
    cipher: FieldCipher | None

    async def _sealing(
        self, collection: AsyncCollection[Document], edit: DocumentEdit
    ) -> Sealing | None:
        raise NotImplementedError

    @contextlib.asynccontextmanager
    async def edit_many(
        self,
        collection: AsyncCollection[Document],
        doc_ids: Iterable[Any],
        *,
        wait_seconds: float = 5.0,
    ) -> AsyncIterator[dict[Any, DocumentEdit]]:
        """`edit` for many documents of a collection guarded by version (a police batch's
        children): read in one query, written in one bulk write. If another process wrote
        any of them since the read, the whole edit raises EditConflict once the others are
        written; its redo finds those done (every use case's edit is idempotent). No
        timers (`after_write`): those need an ordered edit. A document this process's
        other writers hold past `wait_seconds` makes it Busy, as `edit` does, so that a
        consumer tries again instead of spending the message's deliveries."""
        if collection.name not in self._versioned:
            raise RuntimeError(f"{collection.name} is not guarded by version")
        ids = sorted(set(doc_ids))
        async with contextlib.AsyncExitStack() as held:
            keys = [lock_key(collection, doc_id) for doc_id in ids]
            try:
                await held.enter_async_context(self._local.hold_all(keys, wait_seconds))
            except LockBusy:
                raise Busy("the records are being updated by someone else; try again") from None
            edits = {doc_id: DocumentEdit(doc_id, None) for doc_id in ids}
            for doc_id in ids:  # written below by a bulk write: read afresh next time
                self._recent.forget(collection.name, doc_id)
            cursor = collection.find({"_id": {"$in": ids}}, projection=WITHOUT_OUTBOX)
            fields = self._sealed.get(collection.name)
            async for found in cursor:
                if fields:
                    found = await open_document(self.cipher, found, fields)
                edits[found["_id"]].current = found
            yield edits
            await self._write_many(collection, list(edits.values()))

    async def _write_many(
        self, collection: AsyncCollection[Document], edits: Sequence[DocumentEdit]
    ) -> None:
        writes: list[InsertOne[Document] | UpdateOne] = []
        inserted: dict[Any, Document] = {}
        for edit in edits:
            if edit.steps_after_write:
                raise RuntimeError(f"an edit of {collection.name} with timers is edited alone")
            await load_keys(self.cipher, edit.events)
            kind, payload = edit.write(self.cipher, await self._sealing(collection, edit))
            if kind == "insert":
                writes.append(InsertOne(payload))
                inserted[edit.id] = payload
            elif kind == "update":
                writes.append(UpdateOne(as_read(edit), payload))
        conflict = False
        if writes:
            try:
                result = await collection.bulk_write(writes, ordered=False)
                conflict = result.matched_count < len(writes) - len(inserted)
            except BulkWriteError as exc:
                stored_already(exc)
                conflict = True  # created by another process since the read
        for edit in edits:
            if edit.events:
                log_stored(collection, edit.events)
                # After a conflict the relay reads each document: only what was written
                # is there to publish.
                written = None if conflict else inserted.get(edit.id)
                self._relay.enqueue(collection, edit.id, written=written)
        if conflict:
            raise EditConflict(CHANGED_MEANWHILE)
