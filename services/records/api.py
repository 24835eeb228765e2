"""records' HTTP API: a child's chronology, for the school's DSLs; every read is audited."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from contracts.envelope import utc_now
from services.common.auth import SAFEGUARDING_READERS, Principal
from services.common.web import not_found
from services.records.domain.chronology import entry_view
from services.records.store import RecordsStore

PupilId = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")]


def router(store: RecordsStore, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["chronology"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.get("/children/{pupil_id}/chronology")
    async def chronology(
        pupil_id: PupilId,
        principal: CurrentUser,
        school_id: Annotated[str | None, Query(max_length=64)] = None,
    ) -> dict[str, Any]:
        """The child's chronology in the order things happened."""
        scope = principal.tenant_filter(school_id)
        if scope is None or not principal.has_any(SAFEGUARDING_READERS):
            raise not_found("child")
        if principal.trust_wide and school_id is None:
            raise not_found("child")  # pupil ids are unique only within a school
        query = {**scope, "pupil_id": pupil_id}
        entries = [e async for e in store.chronology.find(query).sort("occurred_at", 1)]
        child = await store.children.find_one(
            {"_id": f"{scope.get('school_id', school_id)}/{pupil_id}"}
        )
        if child is not None and any(child.get(k) != v for k, v in scope.items()):
            child = None
        if not entries and child is None:
            raise not_found("child")
        await store.audit.insert_one(
            {
                "at": utc_now(),
                "user_id": principal.user_id,
                "roles": sorted(principal.roles),
                "action": "chronology.read",
                "trust_id": (child or entries[0])["trust_id"],
                "school_id": (child or entries[0])["school_id"],
                "pupil_id": pupil_id,
                "entries": len(entries),
            }
        )
        return {
            "pupil_id": pupil_id,
            "school_id": (child or entries[0])["school_id"],
            "child": _child_view(child),
            "entries": [entry_view(e) for e in entries],
        }

    return api


def _child_view(child: dict[str, Any] | None) -> dict[str, Any] | None:
    if child is None:
        return None
    fields = ("forename", "surname", "date_of_birth", "upn")
    return {f: child.get(f) for f in fields}
