"""notification's HTTP API for a school's alerting set-up: the staff it knows and the rota.

Harbour has no user directory yet, so notification keeps one per school: an admin or the
headteacher records the users (by their sign-in id) who may sit on the rota. A rota naming
anyone else is refused, so an alert can never go to a typo.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, HTTPException, Path, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, StringConstraints

from contracts.envelope import utc_now
from contracts.vocabulary import Role
from services.common.auth import Principal
from services.common.documents import put_state
from services.common.locks import DocumentLocks
from services.notification.access import ROTA_MANAGERS, ROTA_READERS, school_for
from services.notification.domain.rota import InvalidRota, parse_rota, validate_rota_members
from services.notification.escalator import Escalator
from services.notification.rotas import RotaBook
from services.notification.store import NotificationStore

_ID = r"^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,63}$"
SchoolId = Annotated[str, Path(pattern=_ID)]
UserId = Annotated[str, Path(pattern=_ID)]


class StaffMember(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    role: Role | None = None


def router(
    store: NotificationStore,
    rotas: RotaBook,
    escalator: Escalator,
    locks: DocumentLocks,
    principal_dep: Any,
) -> APIRouter:
    api = APIRouter(prefix="/v1/schools", tags=["rota"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.put("/{school_id}/staff/{user_id}")
    async def put_staff(
        school_id: SchoolId, user_id: UserId, member: StaffMember, principal: CurrentUser
    ) -> dict[str, Any]:
        school = await school_for(store, principal, school_id, ROTA_MANAGERS)
        record = {
            "trust_id": school["trust_id"],
            "school_id": school_id,
            "user_id": user_id,
            "name": member.name,
            "role": member.role,
        }
        await store.staff.update_one(
            {"_id": f"{school_id}:{user_id}"},
            {"$set": {**record, "updated_at": utc_now(), "updated_by": principal.user_id}},
            upsert=True,
        )
        return record

    @api.get("/{school_id}/staff")
    async def list_staff(school_id: SchoolId, principal: CurrentUser) -> dict[str, Any]:
        await school_for(store, principal, school_id, ROTA_READERS)
        cursor = store.staff.find({"school_id": school_id}).sort("user_id", 1)
        return {
            "staff": [
                {"user_id": s["user_id"], "name": s["name"], "role": s["role"]}
                async for s in cursor
            ]
        }

    @api.delete("/{school_id}/staff/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
    async def delete_staff(
        school_id: SchoolId, user_id: UserId, principal: CurrentUser
    ) -> Response:
        await school_for(store, principal, school_id, ROTA_MANAGERS)
        if await rotas.is_member(school_id, user_id):
            raise HTTPException(
                status.HTTP_409_CONFLICT, "the user is on the school's rota: change the rota first"
            )
        await store.staff.delete_one({"_id": f"{school_id}:{user_id}", "school_id": school_id})
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    @api.put("/{school_id}/rota", response_model=None)
    async def put_rota(
        school_id: SchoolId, body: Annotated[Any, Body()], principal: CurrentUser
    ) -> dict[str, Any] | JSONResponse:
        """Replace the rota; an invalid one is refused whole and the old one kept."""
        school = await school_for(store, principal, school_id, ROTA_MANAGERS)
        try:
            rota = parse_rota(body)
        except InvalidRota as exc:
            return _invalid(exc.errors)
        known = {s["user_id"] async for s in store.staff.find({"school_id": school_id})}
        if unknown := validate_rota_members(rota, known):
            return _invalid(unknown)
        state = {
            "trust_id": school["trust_id"],
            "school_id": school_id,
            "rota": rota.model_dump(mode="json"),
            "member_ids": [m.user_id for tier in rota.tiers for m in tier.members],
        }
        stored, changed = await put_state(
            store.rotas,
            school_id,
            state,
            lambda _: [],
            meta={"updated_at": utc_now(), "updated_by": principal.user_id},
            locks=locks,
        )
        if changed:
            await escalator.after_rota_change(school_id)
        return _rota_view(stored)

    @api.get("/{school_id}/rota")
    async def get_rota(school_id: SchoolId, principal: CurrentUser) -> dict[str, Any]:
        await school_for(store, principal, school_id, ROTA_READERS)
        stored = await store.rotas.find_one({"_id": school_id})
        if stored is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "the school has no rota yet")
        return _rota_view(stored)

    return api


def _rota_view(stored: dict[str, Any]) -> dict[str, Any]:
    return {
        "school_id": stored["school_id"],
        "version": stored["version"],
        "updated_at": stored["updated_at"],
        "updated_by": stored["updated_by"],
        **stored["rota"],
    }


def _invalid(errors: list[str]) -> JSONResponse:
    """The same 422 shape as every other validation failure, one entry per problem."""
    detail = []
    for line in errors:
        field, _, message = line.partition(": ")
        detail.append(
            {"loc": ["body", field], "field": field, "msg": message, "type": "value_error"}
        )
    return JSONResponse(
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        content={
            "error": "validation_failed",
            "message": "; ".join(errors[:10]),
            "detail": detail,
        },
    )
