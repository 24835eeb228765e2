"""A safeguarding lead reads a child's chronology: for the school's DSLs, or the trust
safeguarding lead naming the school. Every read is written to the audit log.

Anyone else, and a child outside the caller's school or trust, is told there is no such
child: the same answer whether it does not exist or is someone else's.

A read is one page: the newest `limit` entries (before `before`, a page's `earlier`), in
the order things happened. A DSL looks at what happened lately first; 1,000 entries, the
default, is the whole file of nearly every child."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.auth import SAFEGUARDING_READERS, Principal
from services.common.errors import Invalid, NotFound
from services.common.store import Document
from services.records.domain.audit import chronology_read
from services.records.domain.cursors import BadCursor, make_cursor, read_cursor
from services.records.ports import RecordsPorts

MAX_PAGE = 1000


@dataclass(frozen=True)
class Chronology:
    pupil_id: str
    school_id: str
    child: Document | None  # what intake told us of the pupil, if anything yet
    entries: list[Document]  # in the order things happened
    earlier: str | None = None  # the `before` of the page of older entries, if any


async def read_chronology(
    ports: RecordsPorts,
    principal: Principal,
    pupil_id: str,
    school_id: str | None = None,
    *,
    before: str | None = None,
    limit: int = MAX_PAGE,
) -> Chronology:
    scope = principal.tenant_filter(school_id)
    if scope is None or not principal.has_any(SAFEGUARDING_READERS):
        raise NotFound("child")
    school_id = scope.get("school_id", school_id)
    if school_id is None:
        raise NotFound("child")  # trust-wide, no school named: pupil ids are per school
    try:
        older_than = read_cursor(before) if before else None
    except BadCursor as exc:
        raise Invalid("before", str(exc)) from None
    entries = await ports.store.entries(scope, pupil_id, before=older_than, limit=limit)
    child = await ports.store.child(school_id, pupil_id)
    if child is not None and any(child.get(k) != v for k, v in scope.items()):
        child = None
    found = child or (entries[0] if entries else None)
    if found is None:
        raise NotFound("child")
    await ports.store.log(
        chronology_read(
            principal,
            found["trust_id"],
            found["school_id"],
            pupil_id,
            len(entries),
            ports.clock.now(),
        )
    )
    earlier = None
    if len(entries) == limit:
        earlier = make_cursor(entries[0]["occurred_at"], entries[0]["_id"])
    return Chronology(pupil_id, found["school_id"], child, entries, earlier)
