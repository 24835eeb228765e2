"""Registering Operation Encompass senders (admins of every trust the sender names)."""

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Response, status

from contracts.envelope import utc_now
from services.common.auth import Principal
from services.common.locks import DocumentLocks, lock_key
from services.common.web import not_found, unprocessable
from services.intake.domain.senders import (
    SenderRegistration,
    administered_trusts,
    may_manage,
    sender_view,
)
from services.intake.secret_box import SecretBox
from services.intake.store import IntakeStore

log = logging.getLogger("harbour.intake.senders")

SenderId = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")]


def router(
    store: IntakeStore, locks: DocumentLocks, secret_box: SecretBox, principal_dep: Any
) -> APIRouter:
    api = APIRouter(prefix="/v1/encompass", tags=["encompass senders"])
    CurrentUser = Annotated[Principal, Depends(principal_dep)]

    @api.put("/senders/{sender_id}")
    async def put_sender(
        sender_id: SenderId,
        registration: SenderRegistration,
        principal: CurrentUser,
        response: Response,
    ) -> dict[str, Any]:
        """Register or change a police force or hub: its name, shared secret and the
        trusts whose schools it may notify. The secret is stored sealed (HARBOUR_SECRETS_KEY)
        and never shown again."""
        if not administered_trusts(principal):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, "senders are registered by a trust-wide admin"
            )
        async with locks.hold(lock_key(store.senders, sender_id)):
            existing = await store.senders.find_one({"_id": sender_id})
            if existing is not None and not may_manage(principal, existing["trust_ids"]):
                raise not_found("sender")
            if not may_manage(principal, registration.trust_ids):
                raise unprocessable("trust_ids", "you may only name trusts you administer")
            state = {
                "name": registration.name,
                "secret_sealed": secret_box.seal(registration.secret.get_secret_value()),
                "trust_ids": registration.trust_ids,
                "updated_at": utc_now(),
                "updated_by": principal.user_id,
            }
            if existing is None:
                await store.senders.insert_one({"_id": sender_id, **state, "version": 1})
                response.status_code = status.HTTP_201_CREATED
            else:
                await store.senders.update_one(
                    {"_id": sender_id},
                    # `$unset`: a secret stored before secrets were sealed goes for good.
                    {"$set": state, "$unset": {"secret": ""}, "$inc": {"version": 1}},
                )
        log.info("sender registered", extra={"sender_id": sender_id, "user_id": principal.user_id})
        return sender_view({"_id": sender_id, **state})

    @api.get("/senders/{sender_id}")
    async def get_sender(sender_id: SenderId, principal: CurrentUser) -> dict[str, Any]:
        sender = await store.senders.find_one({"_id": sender_id}, projection={"secret_sealed": 0})
        if sender is None or not may_manage(principal, sender["trust_ids"]):
            raise not_found("sender")
        return sender_view(sender)

    return api
