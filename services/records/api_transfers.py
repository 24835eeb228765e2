"""records' HTTP API: offering a child's file to the next school, where it has been sent,
the files waiting for a school, and accepting one."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, status

from contracts.vocabulary import Role
from services.common.auth import DSL_ROLES, Principal
from services.common.ids import IdPath
from services.common.openapi_answers import CONFLICT, who_may
from services.records.domain.transfers import state_of
from services.records.ports import RecordsPorts
from services.records.usecases.accept_transfer import AcceptRequest, accept_transfer
from services.records.usecases.read_transfers import child_transfers, incoming_files
from services.records.usecases.start_transfer import TransferRequest, request_transfer
from services.records.views import transfer_view

SchoolQuery = Annotated[str | None, Query(max_length=64)]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=128)]


def router(ports: RecordsPorts, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1", tags=["transfers"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.post(
        "/children/{pupil_id}/transfers",
        status_code=status.HTTP_201_CREATED,
        openapi_extra=who_may(*DSL_ROLES),
    )
    async def offer(
        pupil_id: IdPath,
        request: TransferRequest,
        principal: CurrentUser,
        idempotency_key: IdempotencyKey = None,
    ) -> dict[str, Any]:
        """Offer the file to a school here (`urn`) or to a DSL outside (`email`). For a
        link, `access_code` is shown to you once: tell it to the receiving DSL by phone."""
        offered = await request_transfer(ports, principal, pupil_id, request, idempotency_key)
        return {
            **transfer_view(offered.transfer, ports.clock.now()),
            "attempt_id": offered.attempt_id,
            "access_code": offered.access_code,
        }

    @api.get(
        "/children/{pupil_id}/transfers",
        openapi_extra=who_may(*DSL_ROLES, trust_wide=[Role.TRUST_SAFEGUARDING_LEAD]),
    )
    async def transfers(
        pupil_id: IdPath, principal: CurrentUser, school_id: SchoolQuery = None
    ) -> dict[str, Any]:
        """Every transfer of the child's file, with each offer and its state."""
        found = await child_transfers(ports, principal, pupil_id, school_id)
        now = ports.clock.now()
        return {"pupil_id": pupil_id, "transfers": [transfer_view(t, now) for t in found]}

    @api.get("/transfers/incoming", openapi_extra=who_may(*DSL_ROLES))
    async def incoming(principal: CurrentUser) -> dict[str, Any]:
        """Files offered to your school."""
        now = ports.clock.now()
        return {
            "transfers": [
                {
                    **transfer_view(f.transfer, now),
                    "state": state_of(f.transfer, now),
                    "from_school": {
                        "school_id": f.transfer["school_id"],
                        "name": (f.from_school or {}).get("name"),
                        "urn": (f.from_school or {}).get("urn"),
                    },
                    "child": {
                        k: (f.child or {}).get(k)
                        for k in ("forename", "surname", "date_of_birth", "upn")
                    },
                }
                for f in await incoming_files(ports, principal)
            ]
        }

    @api.post(
        "/transfers/{transfer_id}/accept", openapi_extra=who_may(*DSL_ROLES), responses=CONFLICT
    )
    async def accept(
        transfer_id: IdPath, request: AcceptRequest, principal: CurrentUser
    ) -> dict[str, Any]:
        """Receive the file into your school, under the child's id on your roll."""
        accepted = await accept_transfer(ports, principal, transfer_id, request)
        return {
            "transfer_id": accepted.transfer_id,
            "school_id": accepted.school_id,
            "pupil_id": accepted.pupil_id,
            "entries": accepted.entries,
            "head": accepted.head,
            "valid": accepted.valid,
            "send": accepted.send,
        }

    return api
