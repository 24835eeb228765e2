"""The pointers to adult cases a reader of a child's file may see: those of the adult
cases they may see themselves (services/common/adult_access.py), never the rest. A
reader who may see none of them reads the file as if it had none (domain/adult_file.py)."""

from __future__ import annotations

from services.common.adult_access import adult_case_role
from services.common.auth import Principal
from services.common.retries import gather_limited
from services.records.domain.chain import Entry
from services.records.domain.child_file import chain_id
from services.records.ports import RecordsPorts


def _case_of(entry: Entry) -> str | None:
    return ((entry.get("record") or {}).get("content") or {}).get("adult_case_id")


async def visible_pointers(
    ports: RecordsPorts, principal: Principal, school_id: str, pupil_id: str
) -> list[Entry]:
    pointers = ports.store.pointers
    head = await pointers.head(chain_id(school_id, pupil_id))
    if head is None:
        return []  # nearly every child: one `_id` read and nothing more
    entries = await pointers.entries(head["_id"], int(head["seq"]))
    case_ids = sorted({c for c in map(_case_of, entries) if c is not None})
    known = dict(
        zip(
            case_ids,
            await gather_limited([ports.store.adult_access(c) for c in case_ids]),
            strict=True,
        )
    )
    seen = {
        case_id
        for case_id, access in known.items()
        if access is not None
        and adult_case_role(principal, access["school_id"], access["trust_id"], access["access"])
    }
    return [entry for entry in entries if _case_of(entry) in seen]
