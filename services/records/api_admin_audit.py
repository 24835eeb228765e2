"""records' HTTP API for the admin audit log: who changed a school's or trust's set-up,
what and when. For the trust's (or school's) administrators; paged, newest first."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from contracts.vocabulary import Role
from services.common.auth import Principal
from services.common.openapi_answers import FORBIDDEN, who_may
from services.common.store import Document
from services.records.ports import RecordsPorts
from services.records.usecases.admin_audit import AdminAuditQuery, read_admin_audit


def router(ports: RecordsPorts, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["admin audit"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.get(
        "/admin-audit",
        openapi_extra=who_may(Role.ADMIN, trust_wide=[Role.ADMIN]),
        responses=FORBIDDEN,
    )
    async def admin_audit(
        principal: CurrentUser, query: Annotated[AdminAuditQuery, Query()]
    ) -> dict[str, Any]:
        """A page of the log; pass `next` as `before` for the page after it."""
        page = await read_admin_audit(ports, principal, query)
        return {"entries": [admin_entry_view(e) for e in page.entries], "next": page.next}

    return api


def admin_entry_view(entry: Document) -> dict[str, Any]:
    return {
        "entry_id": entry["_id"],
        "at": entry["at"],
        "service": entry["producer"],
        "action": entry["action"],
        "object_id": entry["object_id"],
        "trust_id": entry["trust_id"],
        "school_id": entry["school_id"],
        "user_id": entry["user_id"],
        "roles": entry["roles"],
        "details": entry["details"],
    }
