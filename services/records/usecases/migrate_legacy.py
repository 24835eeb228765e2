"""Entries stored before files were hash-chained (one document per event in the
`chronology` collection) join their child's chain once, at the first start after the
upgrade, in the order they were recorded, each marked `legacy`: the chain vouches for
them from the upgrade on. Each is appended with its event's id as key, so a migration cut
short is finished by the next start, and an old event redelivered later adds nothing.
Start-up runs this before consuming events."""

from __future__ import annotations

import logging

from services.records.domain.child_file import chain_id
from services.records.domain.chronology import legacy_entry
from services.records.ports import RecordsPorts
from services.records.usecases.chain_append import ChainRef, append

log = logging.getLogger("harbour.records.migration")

NAME = "chronology-hash-chains"


async def migrate_legacy_entries(ports: RecordsPorts) -> int:
    """Returns how many entries joined a chain now."""
    store = ports.store
    if await store.migration_done(NAME):
        return 0
    added = 0
    async for stored in store.legacy_entries():
        school_id, pupil_id = stored["school_id"], stored["pupil_id"]
        ref = ChainRef(chain_id(school_id, pupil_id), stored["trust_id"], school_id, pupil_id)
        appended = await append(ports, store.files, ref, legacy_entry(stored), key=stored["_id"])
        added += appended.created
    await store.mark_migration_done(NAME, ports.clock.now(), added)
    if added:
        log.info("entries from before hash chains joined their files", extra={"count": added})
    return added
