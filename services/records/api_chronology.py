"""records' HTTP API: a child's chronology, for the school's DSLs; every read is audited."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from services.common.auth import Principal
from services.common.ids import IdPath
from services.common.store import Document
from services.records.ports import RecordsPorts
from services.records.usecases.read_chronology import MAX_PAGE, read_chronology


def router(ports: RecordsPorts, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["chronology"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.get("/children/{pupil_id}/chronology")
    async def chronology(
        pupil_id: IdPath,
        principal: CurrentUser,
        school_id: Annotated[str | None, Query(max_length=64)] = None,
        before: Annotated[str | None, Query(max_length=300)] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = MAX_PAGE,
    ) -> dict[str, Any]:
        """The child's newest `limit` entries in the order things happened; `earlier`, if
        not null, is the `before` of the page of older ones."""
        found = await read_chronology(
            ports, principal, pupil_id, school_id, before=before, limit=limit
        )
        return {
            "pupil_id": found.pupil_id,
            "school_id": found.school_id,
            "child": child_view(found.child),
            "entries": [entry_view(e) for e in found.entries],
            "earlier": found.earlier,
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
