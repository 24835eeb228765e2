"""Registering an Operation Encompass sender (a police force or hub), and reading it back.

Only an admin of every trust a sender names may register, change or read it. The shared
secret is stored sealed (HARBOUR_SECRETS_KEY) and never shown again."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from services.common.auth import Principal
from services.common.errors import Forbidden, Invalid, NotFound
from services.common.store import Document
from services.intake.domain.senders import SenderRegistration, administered_trusts, may_manage
from services.intake.ports import IntakePorts

log = logging.getLogger("harbour.intake.senders")


@dataclass(frozen=True)
class RegisteredSender:
    sender: Document  # without its secret
    created: bool


async def register_sender(
    ports: IntakePorts, principal: Principal, sender_id: str, registration: SenderRegistration
) -> RegisteredSender:
    store = ports.store
    if not administered_trusts(principal):
        raise Forbidden("senders are registered by a trust-wide admin")
    # Senders have no outbox; the lock keeps two admins' changes from mixing.
    async with ports.writer.hold(store.senders, [sender_id]):
        existing = await store.sender(sender_id)
        if existing is not None and not may_manage(principal, existing["trust_ids"]):
            raise NotFound("sender")
        if not may_manage(principal, registration.trust_ids):
            raise Invalid("trust_ids", "you may only name trusts you administer")
        state = {
            "name": registration.name,
            "secret_sealed": ports.secret_box.seal(registration.secret.get_secret_value()),
            "trust_ids": registration.trust_ids,
            "updated_at": ports.clock.now(),
            "updated_by": principal.user_id,
        }
        await store.save_sender(sender_id, state, new=existing is None)
    log.info("sender registered", extra={"sender_id": sender_id, "user_id": principal.user_id})
    shown = {key: value for key, value in state.items() if key != "secret_sealed"}
    return RegisteredSender({"_id": sender_id, **shown}, created=existing is None)


async def read_sender(ports: IntakePorts, principal: Principal, sender_id: str) -> Document:
    sender = await ports.store.sender_profile(sender_id)
    if sender is None or not may_manage(principal, sender["trust_ids"]):
        raise NotFound("sender")
    return sender
