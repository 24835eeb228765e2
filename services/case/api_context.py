"""What the DSL must know of a child, over HTTP: the context (PUT records it, GET reads it
with every earlier version), and links to other children (add, remove with a reason)."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from contracts.child_context import ChildContext
from contracts.vocabulary import Role
from services.case.api_common import IdempotencyKey, StepId
from services.case.case_views import context_view, part
from services.case.domain.links import LinkRemoval, LinkRequest
from services.case.ports import CasePorts
from services.case.usecases.link_children import link_children, remove_link
from services.case.usecases.read_case import read_case
from services.case.usecases.set_context import set_context
from services.common.auth import DSL_ROLES, Principal
from services.common.ids import IdPath
from services.common.openapi_answers import FORBIDDEN, who_may

# A DSL links children of their own school; the trust lead, across the trust's schools.
LINKERS = who_may(*DSL_ROLES, trust_wide=[Role.TRUST_SAFEGUARDING_LEAD])
SchoolQuery = Annotated[str | None, Query(max_length=64)]


def router(ports: CasePorts, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["the child"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.put("/children/{pupil_id}/context", openapi_extra=who_may(*DSL_ROLES))
    async def put_context(
        pupil_id: IdPath, context: ChildContext, principal: CurrentUser
    ) -> dict[str, Any]:
        """The whole context as it now stands; the same context again changes nothing."""
        return context_view(await set_context(ports, principal, pupil_id, context))

    @api.get(
        "/children/{pupil_id}/context",
        openapi_extra=who_may(
            Role.HEADTEACHER, *DSL_ROLES, trust_wide=[Role.TRUST_SAFEGUARDING_LEAD]
        ),
    )
    async def get_context(
        pupil_id: IdPath, principal: CurrentUser, school_id: SchoolQuery = None
    ) -> dict[str, Any]:
        """The context as it stands and every earlier version, newest first."""
        return context_view(await read_case(ports, principal, pupil_id, school_id))

    @api.post(
        "/children/{pupil_id}/links",
        status_code=201,
        openapi_extra=LINKERS,
        responses=FORBIDDEN,
    )
    async def post_link(
        pupil_id: IdPath,
        request: LinkRequest,
        principal: CurrentUser,
        key: IdempotencyKey = None,
        school_id: SchoolQuery = None,
    ) -> dict[str, Any]:
        """Link the child to another (on both children's cases); a trust lead names the
        child's school."""
        side = await link_children(ports, principal, pupil_id, request, key, school_id)
        return part(side) or {}

    @api.post(
        "/children/{pupil_id}/links/{link_id}/remove", openapi_extra=LINKERS, responses=FORBIDDEN
    )
    async def post_link_removal(
        pupil_id: IdPath,
        link_id: StepId,
        request: LinkRemoval,
        principal: CurrentUser,
        school_id: SchoolQuery = None,
    ) -> dict[str, Any]:
        side = await remove_link(ports, principal, pupil_id, link_id, request, school_id)
        return part(side) or {}

    return api
