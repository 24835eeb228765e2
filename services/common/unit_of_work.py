"""The one way a use case changes a document that has an outbox: lock it, read it, apply a
change, append the events the change causes, write both in one document write, and hand
the document to the relay.

    async with writer.edit(store.alerts, alert_id) as alert:
        if alert.current is None:
            raise NotFound("alert")
        alert.set({"acknowledged_at": now})
        alert.emit(acknowledged_event)
    # written; the relay publishes the event

Every writer of a document with an outbox goes through here (services.common.locks says
why the lock; the relay needs none, services.common.outbox_relay says why). Documents written
once with their events (a concern) use `insert`, which needs no lock.

Collections declared with `guard_by_version` take no store lock: an edit is written only if
the document still has the version it read (a compare-and-set on MongoDB, and on the local
FerretDB build, deploy/ferretdb/patches/handler_write_lock.go), writers in one process take
turns in memory, and another process's edit in between makes this one raise EditConflict,
which a consumer redoes within the handler (an API caller gets 503, try again). An edit
that sets or clears a timer passes `ordered=True` and also takes the store lock, so that
timer writes keep the order of the document writes they follow (services.common.timers).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from contracts.envelope import Envelope
from services.common.document_edit import (
    CHANGED_MEANWHILE,
    WITHOUT_OUTBOX,
    DocumentEdit,
    Sealing,
    as_read,
)
from services.common.edit_many import ManyEdits
from services.common.errors import Busy, Conflict, EditConflict
from services.common.field_cipher import (
    FieldCipher,
    open_document,
    seal_document,
    sealed_change,
)
from services.common.locks import DocumentLocks, LocalLocks, LockBusy, lock_key
from services.common.outbox import load_keys, log_stored, with_outbox
from services.common.outbox_relay import OutboxRelay
from services.common.recent_documents import RecentDocuments
from services.common.retries import retry_busy
from services.common.store import Document, insert_many_if_absent

Event = Envelope[BaseModel]


class DocumentWriter(ManyEdits):
    """The unit of work: document locks and the outbox relay, shared by every use case of
    a service (built once in its composition root)."""

    def __init__(self, locks: DocumentLocks, relay: OutboxRelay) -> None:
        self._locks = locks
        self._relay = relay
        # Seals event bodies at rest (the relay opens them); none in unit tests' doubles.
        self.cipher: FieldCipher | None = getattr(relay, "cipher", None)
        # Collection name → its documents' free-text fields, sealed at rest (`seal_fields`).
        self._sealed: dict[str, tuple[str, ...]] = {}
        self._versioned: set[str] = set()  # `guard_by_version`
        self._local = LocalLocks()
        # Version-guarded documents as this process last wrote them (read no more).
        self._recent = RecentDocuments()

    def guard_by_version(self, *collections: AsyncCollection[Document]) -> None:
        """Edits of these collections are guarded by the document's version instead of its
        store lock (two store commands fewer per edit; the module's docstring says how).
        Only for collections every writer of which goes through this writer."""
        self._versioned.update(collection.name for collection in collections)

    def seal_fields(self, collection: AsyncCollection[Document], fields: Sequence[str]) -> None:
        """This collection's documents keep these fields sealed at rest: opened when an
        edit reads the document, sealed when it writes them (dotted names reach into
        nested documents and arrays of them: "notes.summary"). Its store opens them on
        its own reads with the same names."""
        self._sealed[collection.name] = tuple(fields)

    @contextlib.asynccontextmanager
    async def edit(
        self,
        collection: AsyncCollection[Document],
        doc_id: Any,
        *,
        wait_seconds: float = 5.0,
        ordered: bool = False,
    ) -> AsyncIterator[DocumentEdit]:
        """Hold the document's lock while the block reads and changes it; on a clean exit
        write the change and its events in one write. An exception writes nothing.
        `ordered`: the edit writes timers (see the module's docstring)."""
        versioned = collection.name in self._versioned
        key = lock_key(collection, doc_id)
        try:
            async with contextlib.AsyncExitStack() as held:
                if versioned:
                    await held.enter_async_context(self._local.hold(key, wait_seconds))
                if ordered or not versioned:
                    await held.enter_async_context(self._locks.hold(key, wait_seconds))
                current = self._recent.get(collection.name, doc_id) if versioned else None
                recalled = current is not None
                if not recalled:
                    current = await self._read(collection, doc_id)
                edit = DocumentEdit(doc_id, current)
                yield edit
                if recalled and not edit.changed:  # nothing written checks the version
                    await self._still_stored(collection, edit)
                if versioned and edit.steps_after_write and not ordered:
                    raise RuntimeError(
                        f"an edit of {collection.name} with timers needs ordered=True"
                    )
                try:
                    inserted = await self._write(collection, edit, guarded=versioned)
                except EditConflict:
                    self._recent.forget(collection.name, doc_id)  # the redo reads the store
                    raise
                if versioned:
                    self._recent.keep(collection.name, edit)
                for step in edit.steps_after_write:
                    await step()
        except LockBusy:
            raise Busy("the record is being updated by someone else; try again") from None
        if edit.events:
            log_stored(collection, edit.events)
            self._relay.enqueue(collection, doc_id, written=inserted)

    async def insert(
        self,
        collection: AsyncCollection[Document],
        document: Document,
        events: Sequence[Event],
    ) -> bool:
        """Store a document written once, with its events; False if its `_id` was taken
        (a retried request), in which case nothing changes."""
        await load_keys(self.cipher, events)
        fields = self._sealed.get(collection.name)
        if fields:
            document = await seal_document(self.cipher, document, fields)
        stored = with_outbox(document, events, self.cipher)
        try:
            await retry_busy(lambda: collection.insert_one(stored))
        except DuplicateKeyError:
            return False
        if events:
            log_stored(collection, events)
            self._relay.enqueue(collection, document["_id"], written=stored)
        return True

    async def insert_many(
        self, collection: AsyncCollection[Document], documents: Sequence[Document]
    ) -> set[int]:
        """`insert` for many documents without events, in one write; returns the positions
        of those whose `_id` was taken (a repeat, left as it is)."""
        fields = self._sealed.get(collection.name)
        if fields:
            documents = [await seal_document(self.cipher, d, fields) for d in documents]
        stored = [with_outbox(document, [], self.cipher) for document in documents]
        return await retry_busy(lambda: insert_many_if_absent(collection, stored))

    async def put(
        self,
        collection: AsyncCollection[Document],
        doc_id: Any,
        state: Mapping[str, Any],
        events_for: Callable[[Document | None], Sequence[Event]],
        *,
        meta: Mapping[str, Any] | None = None,
        defaults: Mapping[str, Any] | None = None,
    ) -> tuple[Document, bool]:
        """Make the document hold `state` (PUT semantics). When that changes it, also
        store `meta` and the events `events_for(current)` returns. Returns the document and
        whether it changed: PUTting the same state again stores and publishes nothing.
        `defaults` are the fields a new document starts with besides `state`; an existing
        document keeps its own (another writer owns them)."""
        async with self.edit(collection, doc_id) as doc:
            if doc.current is not None and all(doc.current.get(k) == v for k, v in state.items()):
                return doc.current, False
            if doc.current is None:
                doc.create({**(defaults or {}), **state, **(meta or {})})
            else:
                doc.set({**state, **(meta or {})})
            doc.emit(*events_for(doc.current))
        return doc.document, True

    @contextlib.asynccontextmanager
    async def hold(
        self,
        collection: AsyncCollection[Document],
        doc_ids: Iterable[Any],
        *,
        wait_seconds: float = 5.0,
    ) -> AsyncIterator[None]:
        """Hold several documents' locks, for a bulk path that reads them and rewrites them
        through a store method writing each document's state and events in one write (then
        `enqueue` them). The locks are taken in one order, sorted, by every such writer, so
        two of them never wait for each other."""
        try:
            async with contextlib.AsyncExitStack() as held:
                for doc_id in sorted(set(doc_ids)):
                    await held.enter_async_context(
                        self._locks.hold(lock_key(collection, doc_id), wait_seconds)
                    )
                yield
        except LockBusy:
            raise Busy("the records are being updated by someone else; try again") from None

    def enqueue(self, collection: AsyncCollection[Document], doc_ids: Iterable[Any]) -> None:
        """Hand documents that a bulk store method wrote with new events to the relay."""
        for doc_id in doc_ids:
            self._relay.enqueue(collection, doc_id)

    def enqueue_written(
        self, collection: AsyncCollection[Document], documents: Iterable[Document]
    ) -> None:
        """The same for documents a bulk store method inserted, as inserted: the relay
        publishes from them without reading them back."""
        for document in documents:
            self._relay.enqueue(collection, document["_id"], written=document)

    async def publish_together(
        self, collection: AsyncCollection[Document], documents: Sequence[Document], together: Event
    ) -> None:
        """Documents a bulk store method just inserted, each with one pending event, published
        as one event standing for theirs (services.common.outbox_relay.OutboxRelay)."""
        await self._relay.publish_together(collection, documents, together)

    async def _still_stored(
        self, collection: AsyncCollection[Document], edit: DocumentEdit
    ) -> None:
        """An edit that changed nothing decided on this process's copy: if another process
        has written the document since, the redo decides on the stored one."""
        stored = await collection.find_one({"_id": edit.id}, projection={"version": 1})
        if (stored or {}).get("version") != (edit.current or {}).get("version"):
            self._recent.forget(collection.name, edit.id)
            raise EditConflict(CHANGED_MEANWHILE)

    async def _read(self, collection: AsyncCollection[Document], doc_id: Any) -> Document | None:
        current = await collection.find_one({"_id": doc_id}, projection=WITHOUT_OUTBOX)
        fields = self._sealed.get(collection.name)
        return await open_document(self.cipher, current, fields) if fields else current

    async def _sealing(
        self, collection: AsyncCollection[Document], edit: DocumentEdit
    ) -> Sealing | None:
        fields = self._sealed.get(collection.name)
        if not fields or self.cipher is None:
            return None
        trust = (edit.current or edit._created or {}).get("trust_id")
        box = await self.cipher.for_trust(trust)
        return lambda key, value: sealed_change(box, fields, key, value)

    async def _write(
        self, collection: AsyncCollection[Document], edit: DocumentEdit, *, guarded: bool
    ) -> Document | None:
        """`guarded`: only if the document is still as read (else EditConflict). Returns
        the document if this inserted it."""
        await load_keys(self.cipher, edit.events)
        kind, payload = edit.write(self.cipher, await self._sealing(collection, edit))
        if kind == "insert":
            try:
                await retry_busy(lambda: collection.insert_one(payload))
            except DuplicateKeyError:
                if guarded:  # another process created it since our read
                    raise EditConflict(CHANGED_MEANWHILE) from None
                # Someone wrote it without taking the lock: a bug elsewhere, not a retry.
                raise Conflict(f"{edit.id} was created meanwhile") from None
            return payload
        if kind == "update":
            where = as_read(edit) if guarded else {"_id": edit.id}
            result = await retry_busy(lambda: collection.update_one(where, payload))
            if guarded and result.matched_count == 0:
                raise EditConflict(CHANGED_MEANWHILE)
        return None
