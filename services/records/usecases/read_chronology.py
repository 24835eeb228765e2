"""A safeguarding lead reads a child's chronology: every entry of the file, from every
chain it holds, in the order things happened, with corrections beside what they correct.
Every read is written to the child's access log.

Pointers to concerns about adults involving the child show only to those who may see the
adult case (usecases/child_pointers.py); to anyone else the file reads as without them.

A read is one page: the newest `limit` entries (before `before`, a page's `earlier`), in
the order things happened. A DSL looks at what happened lately first; 1,000 entries, the
default, is the whole file of nearly every child. While the child's address is withheld,
only a DSL reads an address in it (the trust lead reads "withheld")."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from services.common.auth import DSL_ROLES, SAFEGUARDING_READERS, Principal
from services.common.errors import Invalid
from services.common.store import Document
from services.records.domain.adult_file import POINTERS
from services.records.domain.chain import GENESIS
from services.records.domain.timeline import timeline
from services.records.domain.withheld_address import withheld_reason, without_addresses
from services.records.ports import RecordsPorts
from services.records.usecases.child_pointers import visible_pointers
from services.records.usecases.file_access import log_principal_access, open_file
from services.records.usecases.file_reading import load_file

MAX_PAGE = 1000


@dataclass(frozen=True)
class Chronology:
    pupil_id: str
    school_id: str
    child: Document | None  # what intake told us of the pupil, if anything yet
    entries: list[dict[str, Any]]  # domain/timeline.py items, earliest first: one page
    entry_count: int  # in the whole file
    head: str  # the hash of the school's own chain's last entry
    earlier: str | None = None  # the `before` of the page of older entries, if any
    address_withheld: str | None = None  # why, while the child's address is withheld


async def read_chronology(
    ports: RecordsPorts,
    principal: Principal,
    pupil_id: str,
    school_id: str | None = None,
    *,
    before: str | None = None,
    limit: int = MAX_PAGE,
) -> Chronology:
    opened = await open_file(
        ports, principal, pupil_id, school_id, SAFEGUARDING_READERS, entries=False
    )
    # The read is logged while the entries are read (both must succeed for an answer):
    # the two waits overlap instead of adding up.
    file, _, pointers = await asyncio.gather(
        load_file(ports.store.files, opened.school_id, pupil_id),
        log_principal_access(ports, principal, opened, "chronology.read"),
        visible_pointers(ports, principal, opened.school_id, pupil_id),
    )
    chains = dict(file.chains) if file else {}
    if pointers:
        chains[POINTERS] = pointers
    items = timeline(chains)
    withheld = withheld_reason(item["record"] for item in items)
    if withheld is not None and not principal.has_any(DSL_ROLES):
        items = without_addresses(items)  # only a DSL reads an address it withholds
    head = file.local_head.hash if file else GENESIS
    page, earlier = _page(items, before, limit)
    return Chronology(
        pupil_id, opened.school_id, opened.child, page, len(items), head, earlier, withheld
    )


def _page(
    items: list[dict[str, Any]], before: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """The `limit` items just before the entry `before` (or the newest), and the entry
    that starts them if older ones remain: entry ids never change, so a page boundary
    stays put while new entries arrive."""
    end = len(items)
    if before is not None:
        end = next((i for i, item in enumerate(items) if item["entry_id"] == before), -1)
        if end < 0:
            raise Invalid("before", "no such entry in this file")
    start = max(0, end - limit)
    return items[start:end], (items[start]["entry_id"] if start > 0 else None)
