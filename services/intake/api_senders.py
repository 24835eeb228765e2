"""Registering Operation Encompass senders (admins of every trust the sender names)."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response, status

from contracts.vocabulary import Role
from services.common.auth import Principal
from services.common.ids import IdPath
from services.common.openapi_answers import CREATED, FORBIDDEN, who_may
from services.common.store import Document
from services.intake.domain.senders import SenderRegistration
from services.intake.ports import IntakePorts
from services.intake.usecases.register_sender import read_sender, register_sender


def sender_view(sender: Document) -> dict[str, Any]:
    """What an admin may read back: never the secret."""
    return {
        "sender_id": sender["_id"],
        "name": sender["name"],
        "trust_ids": sender["trust_ids"],
        "updated_at": sender.get("updated_at"),
    }


def router(ports: IntakePorts, principal_dep: Any) -> APIRouter:
    api = APIRouter(prefix="/v1/encompass", tags=["encompass senders"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.put(
        "/senders/{sender_id}",
        openapi_extra=who_may(trust_wide=[Role.ADMIN]),
        responses={**FORBIDDEN, **CREATED},
    )
    async def put_sender(
        sender_id: IdPath,
        registration: SenderRegistration,
        principal: CurrentUser,
        response: Response,
    ) -> dict[str, Any]:
        """Register or change a police force or hub: its name, shared secret and the
        trusts whose schools it may notify. The secret is stored sealed (HARBOUR_SECRETS_KEY)
        and never shown again."""
        registered = await register_sender(ports, principal, sender_id, registration)
        response.status_code = status.HTTP_201_CREATED if registered.created else status.HTTP_200_OK
        return sender_view(registered.sender)

    @api.get("/senders/{sender_id}", openapi_extra=who_may(trust_wide=[Role.ADMIN]))
    async def get_sender(sender_id: IdPath, principal: CurrentUser) -> dict[str, Any]:
        return sender_view(await read_sender(ports, principal, sender_id))

    return api
