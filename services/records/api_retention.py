"""records' HTTP API: files due for the retention review, and disposal."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from contracts.vocabulary import Role
from services.common.auth import DSL_ROLES, Principal
from services.common.ids import IdPath
from services.common.openapi_answers import CONFLICT, who_may
from services.records.domain.retention import DisposalRequest
from services.records.ports import RecordsPorts
from services.records.usecases.retention import dispose_file, retention_review

SchoolQuery = Annotated[str | None, Query(max_length=64)]


def router(ports: RecordsPorts, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["retention"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.get("/retention/review", openapi_extra=who_may(Role.HEADTEACHER, *DSL_ROLES))
    async def review(principal: CurrentUser, school_id: SchoolQuery = None) -> dict[str, Any]:
        """Closed files whose retention has passed (nothing is deleted automatically)."""
        due = await retention_review(ports, principal, school_id)
        return {
            "retention_years": ports.policy.retention_years,
            "files": [
                {
                    "pupil_id": f.pupil_id,
                    "date_of_birth": f.date_of_birth,
                    "retention_due": f.retention_due,
                    "entries": f.entries,
                }
                for f in due
            ],
        }

    @api.post(
        "/children/{pupil_id}/disposal",
        openapi_extra=who_may(Role.HEADTEACHER, *DSL_ROLES),
        responses=CONFLICT,
    )
    async def disposal(
        pupil_id: IdPath, request: DisposalRequest, principal: CurrentUser
    ) -> dict[str, Any]:
        """Remove the content of a file due for disposal; a disposal entry stays."""
        removed = await dispose_file(ports, principal, pupil_id, request)
        return {"pupil_id": pupil_id, "entries_removed": removed}

    return api
