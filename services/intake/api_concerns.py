"""Concerns over HTTP: any member of staff records one; its reporter reads the receipt."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, status

from contracts.vocabulary import Role
from services.common.auth import SCHOOL_ROLES, Principal
from services.common.openapi_answers import who_may
from services.intake.domain.concerns import ConcernSubmission
from services.intake.ports import IntakePorts
from services.intake.usecases.concern_receipt import concern_receipt
from services.intake.usecases.raise_concern import raise_concern

ConcernId = Annotated[str, Path(min_length=1, max_length=64)]
IdempotencyKey = Annotated[
    str, Header(alias="Idempotency-Key", min_length=1, max_length=200, pattern=r"^[\x21-\x7e]+$")
]


def router(ports: IntakePorts, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1/concerns", tags=["concerns"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.post(
        "",
        status_code=status.HTTP_202_ACCEPTED,
        openapi_extra=who_may(*SCHOOL_ROLES, trust_wide=[Role.ADMIN]),
    )
    async def post_concern(
        submission: ConcernSubmission, principal: CurrentUser, key: IdempotencyKey
    ) -> dict[str, Any]:
        receipt = await raise_concern(ports, principal, submission, key)
        return {
            "concern_id": receipt.concern_id,
            "status": "received",
            "received_at": receipt.received_at,
        }

    @api.get("/{concern_id}", openapi_extra=who_may(*SCHOOL_ROLES, trust_wide=[Role.ADMIN]))
    async def get_receipt(concern_id: ConcernId, principal: CurrentUser) -> dict[str, Any]:
        """The reporter's receipt: that it arrived and when, never the file itself."""
        receipt = await concern_receipt(ports, principal, concern_id)
        return {
            "concern_id": receipt.concern_id,
            "status": "received",
            "received_at": receipt.received_at,
            "pupil_id": receipt.pupil_id,
        }

    return api
