"""Roster upload: a school's admin posts the roll as CSV; pupils are upserted by pupil_id."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, status

from contracts.envelope import Actor
from contracts.vocabulary import Role
from services.common.auth import Principal
from services.common.web import not_found, unprocessable
from services.intake.api import SchoolId
from services.intake.domain.roster import RosterFormatError
from services.intake.roster_import import RosterImporter
from services.intake.store import IntakeStore

CSV_BODY = {
    "requestBody": {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}
}


def require_csv(request: Request) -> None:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "text/csv":
        raise HTTPException(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, "send the file as Content-Type: text/csv"
        )


def router(store: IntakeStore, importer: RosterImporter, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["roster"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.post("/schools/{school_id}/roster", openapi_extra=CSV_BODY)
    async def import_roster(
        school_id: SchoolId, request: Request, principal: CurrentUser
    ) -> dict[str, Any]:
        """Upsert the school's pupils from CSV. Pupils missing from the file are kept;
        rows that cannot be read are listed with their line number and reason."""
        school = await store.school(school_id)
        if school is None or not principal.may_act_at(
            school_id, school["trust_id"], frozenset({Role.ADMIN})
        ):
            raise not_found("school")
        require_csv(request)
        try:
            summary = await importer.import_csv(
                school,
                await request.body(),
                Actor(kind="user", id=principal.user_id, role=Role.ADMIN),
            )
        except RosterFormatError as exc:
            raise unprocessable("file", str(exc)) from None
        return summary.view()

    return api
