"""Intake's HTTP API: schools and pupils (admins), concerns (any member of staff).

Roster uploads, Encompass senders and notifications have their own routers
(api_roster.py, api_senders.py, api_encompass.py)."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Path, Response, status

from contracts.envelope import Actor, Subject, utc_now
from contracts.intake_v1 import PUPIL_RECORDED, SCHOOL_RECORDED, PupilRecorded, SchoolRecorded
from contracts.vocabulary import Role
from services.common.auth import Principal
from services.common.documents import put_state
from services.common.events import make_envelope
from services.common.locks import DocumentLocks
from services.common.outbox import OutboxRelay
from services.common.store import Document
from services.common.web import not_found, unprocessable
from services.intake.domain.pupil_records import lookup_keys
from services.intake.domain.schools import PupilDetails, SchoolDetails, pupil_key
from services.intake.store import IntakeStore

SchoolId = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")]
PupilId = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")]
IdempotencyKey = Annotated[
    str, Header(alias="Idempotency-Key", min_length=1, max_length=200, pattern=r"^[\x21-\x7e]+$")
]


def router(
    store: IntakeStore, relay: OutboxRelay, locks: DocumentLocks, principal_dep: Any
) -> APIRouter:
    api = APIRouter(prefix="/v1")
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    async def school_for(principal: Principal, school_id: str, roles: frozenset[Role]) -> Document:
        school = await store.school(school_id)
        if school is None or not principal.may_act_at(school_id, school["trust_id"], roles):
            raise not_found("school")
        return school

    @api.put("/schools/{school_id}", tags=["schools"])
    async def put_school(
        school_id: SchoolId, details: SchoolDetails, principal: CurrentUser, response: Response
    ) -> dict[str, Any]:
        if Role.ADMIN not in principal.roles:
            raise not_found("school")
        existing = await store.school(school_id)
        if principal.school_id is not None and principal.school_id != school_id:
            raise not_found("school")
        if principal.trust_id is not None and details.trust_id != principal.trust_id:
            raise unprocessable("trust_id", "you may only register schools of your own trust")
        if existing is not None and existing["trust_id"] != details.trust_id:
            if principal.trust_wide:
                raise not_found("school")
            raise HTTPException(status.HTTP_409_CONFLICT, "the school belongs to another trust")
        state = details.model_dump()

        def events(_: Document | None) -> list[Any]:
            return [
                make_envelope(
                    SCHOOL_RECORDED,
                    SchoolRecorded(school_id=school_id, **state),
                    trust_id=details.trust_id,
                    school_id=school_id,
                    subject=Subject(kind="school", id=school_id),
                    actor=Actor(kind="user", id=principal.user_id, role=Role.ADMIN),
                )
            ]

        _, changed = await put_state(
            store.schools, school_id, state, events, meta={"updated_at": utc_now()}, locks=locks
        )
        if changed:
            relay.enqueue(store.schools, school_id)
        response.status_code = status.HTTP_201_CREATED if existing is None else status.HTTP_200_OK
        return {"school_id": school_id, **state}

    @api.put("/schools/{school_id}/pupils/{pupil_id}", tags=["schools"])
    async def put_pupil(
        school_id: SchoolId,
        pupil_id: PupilId,
        details: PupilDetails,
        principal: CurrentUser,
        response: Response,
    ) -> dict[str, Any]:
        school = await school_for(principal, school_id, frozenset({Role.ADMIN}))
        state = {
            "school_id": school_id,
            "trust_id": school["trust_id"],
            "pupil_id": pupil_id,
            **details.model_dump(mode="json"),
            # The matcher's lookup keys, as the roster import stores them.
            **lookup_keys(details.forename, details.surname, details.preferred_forename),
        }

        def events(_: Document | None) -> list[Any]:
            return [
                make_envelope(
                    PUPIL_RECORDED,
                    PupilRecorded(
                        pupil_id=pupil_id, **details.model_dump(exclude={"preferred_forename"})
                    ),
                    trust_id=school["trust_id"],
                    school_id=school_id,
                    subject=Subject(kind="child", id=pupil_id),
                    actor=Actor(kind="user", id=principal.user_id, role=Role.ADMIN),
                )
            ]

        key = pupil_key(school_id, pupil_id)
        existed = await store.pupils.find_one({"_id": key}, projection={"_id": 1}) is not None
        _, changed = await put_state(
            store.pupils, key, state, events, meta={"updated_at": utc_now()}, locks=locks
        )
        if changed:
            relay.enqueue(store.pupils, key)
        response.status_code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        hidden = {"trust_id", "surname_key", "forename_keys"}
        return {"pupil_id": pupil_id, **{k: v for k, v in state.items() if k not in hidden}}

    return api
