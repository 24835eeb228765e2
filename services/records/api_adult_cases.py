"""records' HTTP API for adult cases: the chronology (every read is in the case's access
log), its check, and the access log. For whoever may see the case; the subject, and
anyone else, gets 404."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from contracts.vocabulary import Role
from services.common.auth import DSL_ROLES, Principal
from services.common.ids import IdPath
from services.common.json_body import json_response
from services.common.openapi_answers import who_may
from services.records.api_chronology import entry_view
from services.records.domain.chain import Verdict
from services.records.ports import RecordsPorts
from services.records.usecases.adult_case_reading import (
    read_adult_access_log,
    read_adult_chronology,
)


def router(ports: RecordsPorts, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1/adult-cases", tags=["adult cases"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.get(
        "/{case_id}/chronology",
        openapi_extra=who_may(
            Role.HEADTEACHER,
            Role.CHAIR_OF_GOVERNORS,
            *DSL_ROLES,
            trust_wide=[Role.TRUST_SAFEGUARDING_LEAD],
        ),
    )
    async def chronology(case_id: IdPath, principal: CurrentUser) -> Response:
        """Every step of the adult case with its full content, in the order it happened,
        and whether its hash chain verifies."""
        found = await read_adult_chronology(ports, principal, case_id)
        view = {
            "case_id": found.case_id,
            "school_id": found.school_id,
            "head": found.head,
            "entries": [entry_view(item) for item in found.entries],
            "verification": verdict_view(found.verdict),
        }
        return json_response(view)

    @api.get(
        "/{case_id}/access-log",
        openapi_extra=who_may(
            Role.HEADTEACHER, Role.CHAIR_OF_GOVERNORS, trust_wide=[Role.TRUST_SAFEGUARDING_LEAD]
        ),
    )
    async def access_log(case_id: IdPath, principal: CurrentUser) -> dict[str, Any]:
        """Who read the case, newest first (for its case manager)."""
        entries, verdict = await read_adult_access_log(ports, principal, case_id)
        return {"case_id": case_id, "entries": entries, "verification": verdict_view(verdict)}

    return api


def verdict_view(verdict: Verdict) -> dict[str, Any]:
    view: dict[str, Any] = {
        "entries": verdict.entries,
        "head": verdict.head,
        "valid": verdict.valid,
    }
    if not verdict.valid:
        view |= {"first_bad_seq": verdict.first_bad_seq, "problem": verdict.problem}
    return view
