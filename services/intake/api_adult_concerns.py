"""Concerns about adults over HTTP: any member of staff raises one; its reporter reads the
receipt, and only the receipt."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, status

from contracts.vocabulary import Role
from services.common.auth import SCHOOL_ROLES, Principal
from services.common.openapi_answers import who_may
from services.intake.api_concerns import IdempotencyKey
from services.intake.domain.adult_concerns import AdultConcernSubmission
from services.intake.ports import IntakePorts
from services.intake.usecases.adult_concern_receipt import adult_concern_receipt
from services.intake.usecases.raise_adult_concern import raise_adult_concern

AdultConcernId = Annotated[str, Path(min_length=1, max_length=64)]


def router(ports: IntakePorts, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1/adult-concerns", tags=["adult concerns"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.post(
        "",
        status_code=status.HTTP_202_ACCEPTED,
        openapi_extra=who_may(*SCHOOL_ROLES, trust_wide=[Role.ADMIN]),
    )
    async def post_adult_concern(
        submission: AdultConcernSubmission, principal: CurrentUser, key: IdempotencyKey
    ) -> dict[str, Any]:
        """A concern about an adult (KCSIE Part 4); the case manager is alerted at once."""
        receipt = await raise_adult_concern(ports, principal, submission, key)
        return receipt_view(receipt.adult_concern_id, receipt.received_at)

    # Its reporter only: anyone else at the school is answered 404.
    @api.get("/{adult_concern_id}", openapi_extra=who_may(*SCHOOL_ROLES))
    async def get_receipt(
        adult_concern_id: AdultConcernId, principal: CurrentUser
    ) -> dict[str, Any]:
        """The reporter's receipt: that it arrived and when, nothing more."""
        receipt = await adult_concern_receipt(ports, principal, adult_concern_id)
        return receipt_view(receipt.adult_concern_id, receipt.received_at)

    return api


def receipt_view(adult_concern_id: str, received_at: Any) -> dict[str, Any]:
    return {"adult_concern_id": adult_concern_id, "status": "received", "received_at": received_at}
