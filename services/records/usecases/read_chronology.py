"""A safeguarding lead reads a child's chronology: every entry of the file, from every
chain it holds, in the order things happened, with corrections beside what they correct.
Every read is written to the child's access log."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from services.common.auth import SAFEGUARDING_READERS, Principal
from services.common.store import Document
from services.records.domain.chain import GENESIS
from services.records.domain.timeline import timeline
from services.records.ports import RecordsPorts
from services.records.usecases.file_access import log_principal_access, open_file
from services.records.usecases.file_reading import load_file


@dataclass(frozen=True)
class Chronology:
    pupil_id: str
    school_id: str
    child: Document | None  # what intake told us of the pupil, if anything yet
    entries: list[dict[str, Any]]  # domain/timeline.py items, earliest first
    entry_count: int
    head: str  # the hash of the school's own chain's last entry


async def read_chronology(
    ports: RecordsPorts, principal: Principal, pupil_id: str, school_id: str | None = None
) -> Chronology:
    opened = await open_file(
        ports, principal, pupil_id, school_id, SAFEGUARDING_READERS, entries=False
    )
    # The read is logged while the entries are read (both must succeed for an answer):
    # the two waits overlap instead of adding up.
    file, _ = await asyncio.gather(
        load_file(ports.store.files, opened.school_id, pupil_id),
        log_principal_access(ports, principal, opened, "chronology.read"),
    )
    items = timeline(file.chains if file else {})
    head = file.local_head.hash if file else GENESIS
    return Chronology(pupil_id, opened.school_id, opened.child, items, len(items), head)
