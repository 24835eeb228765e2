"""notification's HTTP API for a school's alerting set-up: the staff it knows and the rota."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Response, status

from contracts.vocabulary import Role
from services.common.auth import DSL_ROLES, TRUST_ROLES, Principal
from services.common.ids import USER_ID_PATTERN, IdPath, UserIdPath
from services.common.openapi_answers import CONFLICT, who_may
from services.common.store import Document
from services.notification.domain.staff import StaffMember
from services.notification.ports import NotificationPorts
from services.notification.usecases.read_rota import list_staff, read_rota
from services.notification.usecases.set_rota import set_rota
from services.notification.usecases.set_staff import remove_staff, set_staff


def router(ports: NotificationPorts, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1/schools", tags=["rota"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.put(
        "/{school_id}/staff/{user_id}",
        openapi_extra=who_may(Role.ADMIN, Role.HEADTEACHER, trust_wide=[Role.ADMIN]),
    )
    async def put_staff(
        school_id: IdPath, user_id: UserIdPath, member: StaffMember, principal: CurrentUser
    ) -> dict[str, Any]:
        return await set_staff(ports, principal, school_id, user_id, member)

    @api.get(
        "/{school_id}/staff",
        openapi_extra=who_may(Role.ADMIN, Role.HEADTEACHER, *DSL_ROLES, trust_wide=[*TRUST_ROLES]),
    )
    async def get_staff(
        school_id: IdPath,
        principal: CurrentUser,
        after: Annotated[str | None, Query(pattern=USER_ID_PATTERN)] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 500,
    ) -> dict[str, Any]:
        """A page of the staff, by user id; `next` is the `after` of the next page."""
        staff = await list_staff(ports, principal, school_id, after=after, limit=limit)
        more = len(staff) == limit
        return {
            "staff": [staff_view(s) for s in staff],
            "next": staff[-1]["user_id"] if more else None,
        }

    @api.delete(
        "/{school_id}/staff/{user_id}",
        status_code=status.HTTP_204_NO_CONTENT,
        openapi_extra=who_may(Role.ADMIN, Role.HEADTEACHER, trust_wide=[Role.ADMIN]),
        responses=CONFLICT,
    )
    async def delete_staff(
        school_id: IdPath, user_id: UserIdPath, principal: CurrentUser
    ) -> Response:
        await remove_staff(ports, principal, school_id, user_id)
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    @api.put(
        "/{school_id}/rota",
        openapi_extra=who_may(Role.ADMIN, Role.HEADTEACHER, trust_wide=[Role.ADMIN]),
    )
    async def put_rota(
        school_id: IdPath, body: Annotated[Any, Body()], principal: CurrentUser
    ) -> dict[str, Any]:
        """Replace the rota; an invalid one is refused whole and the old one kept."""
        return rota_view(await set_rota(ports, principal, school_id, body))

    @api.get(
        "/{school_id}/rota",
        openapi_extra=who_may(Role.ADMIN, Role.HEADTEACHER, *DSL_ROLES, trust_wide=[*TRUST_ROLES]),
    )
    async def get_rota(school_id: IdPath, principal: CurrentUser) -> dict[str, Any]:
        return rota_view(await read_rota(ports, principal, school_id))

    return api


def staff_view(member: Document) -> dict[str, Any]:
    return {
        "user_id": member["user_id"],
        "name": member["name"],
        "role": member["role"],
        "email": member.get("email"),
        "phone": member.get("phone"),
    }


def rota_view(stored: Document) -> dict[str, Any]:
    return {
        "school_id": stored["school_id"],
        "version": stored["version"],
        "updated_at": stored["updated_at"],
        "updated_by": stored["updated_by"],
        **stored["rota"],
    }
