"""records' HTTP API: a child's chronology, for the school's DSLs; every read is audited."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from services.common.auth import Principal
from services.common.ids import IdPath
from services.common.store import Document
from services.records.ports import RecordsPorts
from services.records.usecases.read_chronology import read_chronology


def router(ports: RecordsPorts, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["chronology"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.get("/children/{pupil_id}/chronology")
    async def chronology(
        pupil_id: IdPath,
        principal: CurrentUser,
        school_id: Annotated[str | None, Query(max_length=64)] = None,
    ) -> dict[str, Any]:
        """The child's chronology in the order things happened."""
        found = await read_chronology(ports, principal, pupil_id, school_id)
        return {
            "pupil_id": found.pupil_id,
            "school_id": found.school_id,
            "child": child_view(found.child),
            "entries": [entry_view(e) for e in found.entries],
        }

    return api


def child_view(child: Document | None) -> dict[str, Any] | None:
    if child is None:
        return None
    return {f: child.get(f) for f in ("forename", "surname", "date_of_birth", "upn")}


def entry_view(entry: Document) -> dict[str, Any]:
    return {
        "entry_id": entry["_id"],
        "source_id": entry["source_id"],
        "event_type": entry["event_type"],
        "occurred_at": entry["occurred_at"],
        "recorded_at": entry["recorded_at"],
        "recorded_by": entry["actor"],
        "content": entry["content"],
    }
