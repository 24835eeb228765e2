"""The child's case over HTTP: read it whole, list a school's (or trust's) cases, and the
DSL's steps on the case itself: notes, the review date, closing and reopening."""

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query

from contracts.vocabulary import Role
from services.case.api_common import IdempotencyKey
from services.case.case_views import case_view, part, summary_view
from services.case.domain.cases import ClosureRequest, ReopenRequest, ReviewRequest
from services.case.domain.notes import NoteRequest
from services.case.ports import CasePorts
from services.case.usecases.add_note import add_note
from services.case.usecases.case_status import close_case, reopen_case, set_review
from services.case.usecases.read_case import CaseQuery, list_cases, read_case
from services.common.auth import DSL_ROLES, Principal
from services.common.ids import IdPath
from services.common.openapi_answers import who_may


def router(ports: CasePorts, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["case"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.get(
        "/children/{pupil_id}/case",
        openapi_extra=who_may(
            Role.HEADTEACHER, *DSL_ROLES, trust_wide=[Role.TRUST_SAFEGUARDING_LEAD]
        ),
    )
    async def get_case(
        pupil_id: IdPath,
        principal: CurrentUser,
        school_id: Annotated[str | None, Query(max_length=64)] = None,
    ) -> dict[str, Any]:
        """The child's case whole; a trust-wide reader names the school."""
        return case_view(await read_case(ports, principal, pupil_id, school_id))

    @api.get(
        "/cases",
        openapi_extra=who_may(
            Role.HEADTEACHER, *DSL_ROLES, trust_wide=[Role.TRUST_SAFEGUARDING_LEAD]
        ),
    )
    async def get_cases(
        principal: CurrentUser,
        school_id: Annotated[str | None, Query(max_length=64)] = None,
        status: Literal["open", "closed"] | None = None,
        review_due_before: date | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    ) -> dict[str, Any]:
        """The school's cases (a trust lead: the trust's), those with a review date first."""
        query = CaseQuery(school_id, status, review_due_before, limit)
        found = await list_cases(ports, principal, query)
        return {"cases": [summary_view(c.case, c.child) for c in found]}

    @api.post("/children/{pupil_id}/notes", status_code=201, openapi_extra=who_may(*DSL_ROLES))
    async def post_note(
        pupil_id: IdPath, request: NoteRequest, principal: CurrentUser, key: IdempotencyKey = None
    ) -> dict[str, Any]:
        return part(await add_note(ports, principal, pupil_id, request, key)) or {}

    @api.put("/children/{pupil_id}/case/review", openapi_extra=who_may(*DSL_ROLES))
    async def put_review(
        pupil_id: IdPath, request: ReviewRequest, principal: CurrentUser, key: IdempotencyKey = None
    ) -> dict[str, Any]:
        return case_view(await set_review(ports, principal, pupil_id, request, key))

    @api.post("/children/{pupil_id}/case/close", openapi_extra=who_may(*DSL_ROLES))
    async def post_close(
        pupil_id: IdPath,
        request: ClosureRequest,
        principal: CurrentUser,
        key: IdempotencyKey = None,
    ) -> dict[str, Any]:
        return case_view(await close_case(ports, principal, pupil_id, request, key))

    @api.post("/children/{pupil_id}/case/reopen", openapi_extra=who_may(*DSL_ROLES))
    async def post_reopen(
        pupil_id: IdPath, request: ReopenRequest, principal: CurrentUser, key: IdempotencyKey = None
    ) -> dict[str, Any]:
        return case_view(await reopen_case(ports, principal, pupil_id, request, key))

    return api
