"""A significant event about a child becomes an entry in its chronology, with its full
content: which events, and where each goes, is the table in domain/chronology.py. An
amendment is a new entry with the new content; the first stays as it was.

The entry is appended to the child's hash chain with the event's id as its key, so a
redelivered event adds nothing. A concern that names other pupils also adds an entry to
each of their files, about their own part only, keyed by the concern's event and the pupil
(a redelivery completes any the first delivery did not write)."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from contracts.envelope import Envelope
from services.records.domain.child_file import chain_id
from services.records.domain.chronology import (
    chronology_entry,
    involvement_entries,
    placement_of,
)
from services.records.ports import RecordsPorts
from services.records.usecases.chain_append import ChainRef, ToAppend, append, append_many


async def add_to_chronology(ports: RecordsPorts, event: Envelope[BaseModel]) -> bool:
    """False if the event was recorded already."""
    item = _entry_of(ports, event)
    appended = await append(ports, ports.store.files, item.ref, item.record, key=item.key)
    await _add_involvements(ports, event)
    return appended.created


async def add_all_to_chronology(
    ports: RecordsPorts, events: Sequence[Envelope[BaseModel]]
) -> list[bool]:
    """Many events at once (a police batch's children, each its own entry in its own
    file), appended together; False for each recorded already."""
    items = [_entry_of(ports, event) for event in events]
    appended = await append_many(ports, ports.store.files, items)
    for event in events:
        await _add_involvements(ports, event)
    return [each.created for each in appended]


def _entry_of(ports: RecordsPorts, event: Envelope[BaseModel]) -> ToAppend:
    """The entry the event adds to its child's file, keyed by the event."""
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
    return ToAppend(ref, record, event.event_id)


async def _add_involvements(ports: RecordsPorts, event: Envelope[BaseModel]) -> None:
    """Each other pupil a concern names: their own part, in their own file."""
    for pupil_id, key, involvement in involvement_entries(event, recorded_at=ports.clock.now()):
        named = ChainRef(
            chain_id(event.school_id, pupil_id), event.trust_id, event.school_id, pupil_id
        )
        await append(ports, ports.store.files, named, involvement, key=key)
