"""Roster upload: a school's admin posts the roll as CSV; pupils are upserted by pupil_id."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, status

from contracts.vocabulary import Role
from services.common.auth import Principal
from services.common.ids import IdPath
from services.common.openapi_answers import CSV_UPLOAD, who_may
from services.intake.ports import IntakePorts
from services.intake.usecases.import_roster import RosterSummary, import_roster

CSV_BODY = {
    "requestBody": {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}
}


def require_csv(request: Request) -> None:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "text/csv":
        raise HTTPException(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, "send the file as Content-Type: text/csv"
        )


def summary_view(summary: RosterSummary) -> dict[str, Any]:
    return {
        "school_id": summary.school_id,
        "created": summary.created,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
        "leavers_published": summary.leavers_published,
        "rejected": [{"line": row.line, "reason": row.reason} for row in summary.rejected],
    }


def router(ports: IntakePorts, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["roster"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.post(
        "/schools/{school_id}/roster",
        openapi_extra={**CSV_BODY, **who_may(Role.ADMIN, trust_wide=[Role.ADMIN])},
        responses=CSV_UPLOAD,
    )
    async def post_roster(
        school_id: IdPath, request: Request, principal: CurrentUser
    ) -> dict[str, Any]:
        """Upsert the school's pupils from CSV. Pupils missing from the file are kept;
        rows that cannot be read are listed with their line number and reason."""
        require_csv(request)
        summary = await import_roster(ports, principal, school_id, await request.body())
        return summary_view(summary)

    return api
