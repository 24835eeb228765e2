"""A significant event about a child becomes an entry in its chronology, with its full
content: which events, and where each goes, is the table in domain/chronology.py. An
amendment is a new entry with the new content; the first stays as it was.

The entry is appended to the child's hash chain with the event's id as its key, so a
redelivered event adds nothing."""

from __future__ import annotations

from pydantic import BaseModel

from contracts.envelope import Envelope
from services.records.domain.child_file import chain_id
from services.records.domain.chronology import chronology_entry, placement_of
from services.records.ports import RecordsPorts
from services.records.usecases.chain_append import ChainRef, append


async def add_to_chronology(ports: RecordsPorts, event: Envelope[BaseModel]) -> bool:
    """False if the event was recorded already."""
    where = placement_of(event)
    record = chronology_entry(
        event,
        pupil_id=where.pupil_id,
        source_id=where.source_id,
        occurred_at=where.occurred_at,
        recorded_at=ports.clock.now(),
    )
    ref = ChainRef(
        chain_id(event.school_id, where.pupil_id), event.trust_id, event.school_id, where.pupil_id
    )
    appended = await append(ports, ports.store.files, ref, record, key=event.event_id)
    return appended.created
