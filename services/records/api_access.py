"""records' HTTP API: who has read a child's file (the access log), and the file as a PDF."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from contracts.vocabulary import Role
from services.common.auth import DSL_ROLES, Principal
from services.common.ids import IdPath
from services.common.openapi_answers import who_may
from services.records.ports import RecordsPorts
from services.records.usecases.export_file import export_file
from services.records.usecases.read_access_log import read_access_log

SchoolQuery = Annotated[str | None, Query(max_length=64)]
Purpose = Annotated[str | None, Query(min_length=1, max_length=300)]


def router(ports: RecordsPorts, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["access log"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.get(
        "/children/{pupil_id}/access-log",
        openapi_extra=who_may(
            Role.HEADTEACHER, *DSL_ROLES, trust_wide=[Role.TRUST_SAFEGUARDING_LEAD]
        ),
    )
    async def access_log(
        pupil_id: IdPath, principal: CurrentUser, school_id: SchoolQuery = None
    ) -> dict[str, Any]:
        """Every read of the child's file, newest first, and the log's own chain check."""
        found = await read_access_log(ports, principal, pupil_id, school_id)
        return {
            "pupil_id": found.pupil_id,
            "school_id": found.school_id,
            "valid": found.verdict.valid,
            "head": found.verdict.head,
            "entries": [
                {
                    "seq": e["seq"],
                    "at": e["at"],
                    "user_id": e["user_id"],
                    "roles": e["roles"],
                    "action": e["action"],
                    "purpose": e.get("purpose"),
                    "detail": e.get("detail") or {},
                }
                for e in found.entries
            ],
        }

    @api.get(
        "/children/{pupil_id}/file.pdf",
        response_class=Response,
        responses={200: {"content": {"application/pdf": {}}}},
        openapi_extra=who_may(*DSL_ROLES, trust_wide=[Role.TRUST_SAFEGUARDING_LEAD]),
    )
    async def file_pdf(
        pupil_id: IdPath,
        principal: CurrentUser,
        school_id: SchoolQuery = None,
        purpose: Purpose = None,
    ) -> Response:
        """The whole file as a PDF; `purpose` (e.g. a police or court copy) is recorded."""
        pdf = await export_file(ports, principal, pupil_id, school_id=school_id, purpose=purpose)
        return Response(
            pdf,
            media_type="application/pdf",
            headers={
                "Content-Disposition": 'attachment; filename="child-protection-file.pdf"',
                "Cache-Control": "no-store",
            },
        )

    return api
