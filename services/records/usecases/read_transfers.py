"""Where a child's file has been sent (for the sending school's safeguarding leads), and
which files are waiting for a school (its Incoming files, for its DSLs)."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.auth import DSL_ROLES, SAFEGUARDING_READERS, Principal
from services.common.errors import NotFound
from services.common.store import Document
from services.records.ports import RecordsPorts
from services.records.usecases.file_access import open_file


async def child_transfers(
    ports: RecordsPorts, principal: Principal, pupil_id: str, school_id: str | None = None
) -> list[Document]:
    """Oldest first, each with every offer made."""
    opened = await open_file(
        ports, principal, pupil_id, school_id, SAFEGUARDING_READERS, entries=False
    )
    ids = await ports.store.child_transfer_ids(opened.school_id, pupil_id)
    return sorted(await ports.store.transfers_by_id(ids), key=lambda t: t["created_at"])


@dataclass(frozen=True)
class IncomingFile:
    transfer: Document
    from_school: Document | None
    child: Document | None  # who the child is, so the DSL finds them on their own roll


async def incoming_files(ports: RecordsPorts, principal: Principal) -> list[IncomingFile]:
    """Files offered to the caller's school, newest first (received ones too, marked)."""
    school_id = principal.school_id
    if school_id is None or not principal.has_any(DSL_ROLES):
        raise NotFound("school")
    store = ports.store
    found = []
    for transfer in await store.transfers_by_id(await store.incoming_ids(school_id)):
        if not any(a["to_school_id"] == school_id for a in transfer.get("attempts", [])):
            continue
        found.append(
            IncomingFile(
                transfer,
                await store.school(transfer["school_id"]),
                await store.child(transfer["school_id"], transfer["pupil_id"]),
            )
        )
    return sorted(found, key=lambda f: f.transfer["attempts"][-1]["at"], reverse=True)
