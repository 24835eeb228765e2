"""The transactional outbox: events are stored in the same document as the state change
that caused them, then published by a relay with publisher confirms
(services.common.outbox_relay). This module is the stored side: the shape of an outbox
entry and the write operators that add entries.

A crash between publishing and marking gives a duplicate (same event_id, harmless to
idempotent consumers), never a loss. Any other writer of a document with an outbox must
hold its document lock (services.common.locks) while it reads and writes it, or, in a
collection guarded by version (services.common.unit_of_work), write only the version it read.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection

from contracts.envelope import Envelope
from services.common.field_cipher import FieldCipher
from services.common.store import Document

log = logging.getLogger("harbour.outbox")

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def outbox_entry(envelope: Envelope[BaseModel], cipher: FieldCipher | None = None) -> Document:
    """An outbox row (eShop's shape): id, type, serialized body, state, attempts. With a
    cipher, the body (which carries the event's free text: a concern's words, a note) is
    sealed under the trust's data key, loaded beforehand (`await cipher.load(...)`); the
    relay opens it to publish. Rows stored before encryption hold the body as plain text."""
    body = envelope.model_dump_json(serialize_as_any=True)
    entry: Document = {"event_id": envelope.event_id, "event_type": envelope.event_type}
    if cipher is not None:
        entry["trust_id"] = envelope.trust_id
        entry["body"] = cipher.loaded(envelope.trust_id).seal(body)
    else:
        entry["body"] = body
    return {**entry, "state": "pending", "attempts": 0}


async def load_keys(cipher: FieldCipher | None, envelopes: Sequence[Envelope[BaseModel]]) -> None:
    """Before `with_outbox` or `push_events` seal the events' bodies (synchronously)."""
    if cipher is not None:
        await cipher.load(e.trust_id for e in envelopes)


def with_outbox(
    document: Document,
    envelopes: Sequence[Envelope[BaseModel]],
    cipher: FieldCipher | None = None,
) -> Document:
    """A new document carrying its pending events (for insert_one)."""
    return {
        **document,
        "outbox": [outbox_entry(e, cipher) for e in envelopes],
        "outbox_count": len(envelopes),
        "outbox_pending": bool(envelopes),
        "relay_lease_until": EPOCH,
    }


def push_events(
    envelopes: Sequence[Envelope[BaseModel]], cipher: FieldCipher | None = None
) -> dict[str, Any]:
    """Update operators that append events to an existing document in the same write."""
    if not envelopes:
        return {}
    return {
        "$push": {"outbox": {"$each": [outbox_entry(e, cipher) for e in envelopes]}},
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


def log_stored(
    collection: AsyncCollection[Document], events: Sequence[Envelope[BaseModel]]
) -> None:
    """One line per write that caused events, written in the request's or the handled
    event's log context: it links a request id, or the event handled, to the events caused."""
    log.info(
        "events stored",
        extra={
            "collection": collection.name,
            "stored_event_ids": [e.event_id for e in events],
            "stored_event_types": sorted({e.event_type for e in events}),
            "stored_correlation_ids": sorted({e.correlation_id for e in events}),
        },
    )
