"""Registering an Operation Encompass sender (a police force or hub), and reading it back.

Only an admin of every trust a sender names may register, change or read it. The shared
secret is stored sealed (HARBOUR_SECRETS_KEY) and never shown again. Each trust the sender
names (or named before) gets an admin audit entry, in the same write: who registered or
changed it, and whether its secret changed (never the secret)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from contracts.admin_actions import AdminAction
from contracts.intake_v1 import ADMIN_ACTION_RECORDED
from services.common.admin_audit import admin_action_recorded
from services.common.auth import Principal
from services.common.errors import Forbidden, Invalid, NotFound
from services.common.store import Document
from services.common.unit_of_work import Event
from services.intake.domain.senders import SenderRegistration, administered_trusts, may_manage
from services.intake.ports import IntakePorts
from services.intake.secret_box import SecretBox, SecretUnreadable

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
        secret = registration.secret.get_secret_value()
        now = ports.clock.now()
        state = {
            "name": registration.name,
            "secret_sealed": ports.secret_box.seal(secret),
            "trust_ids": registration.trust_ids,
            "updated_at": now,
            "updated_by": principal.user_id,
        }
        events = _audited(principal, sender_id, existing, registration, ports.secret_box, now)
        await store.save_sender(sender_id, state, events, new=existing is None)
    ports.writer.enqueue(store.senders, [sender_id])
    log.info("sender registered", extra={"sender_id": sender_id, "user_id": principal.user_id})
    shown = {key: value for key, value in state.items() if key != "secret_sealed"}
    return RegisteredSender({"_id": sender_id, **shown}, created=existing is None)


async def read_sender(ports: IntakePorts, principal: Principal, sender_id: str) -> Document:
    sender = await ports.store.sender_profile(sender_id)
    if sender is None or not may_manage(principal, sender["trust_ids"]):
        raise NotFound("sender")
    return sender


def _audited(
    principal: Principal,
    sender_id: str,
    existing: Document | None,
    registration: SenderRegistration,
    secret_box: SecretBox,
    now: datetime,
) -> list[Event]:
    """One entry per trust the sender names now or named before: each trust's admins see
    who gave or took away a police force's way into their schools."""
    before = set(existing["trust_ids"]) if existing is not None else set()
    return [
        admin_action_recorded(
            ADMIN_ACTION_RECORDED,
            principal,
            AdminAction.SENDER_REGISTERED if existing is None else AdminAction.SENDER_CHANGED,
            object_id=sender_id,
            trust_id=trust_id,
            school_id=None,
            at=now,
            details={
                "secret_changed": _secret_changed(existing, registration, secret_box),
                "trust_named": trust_id in registration.trust_ids,
            },
        )
        for trust_id in sorted(before | set(registration.trust_ids))
    ]


def _secret_changed(
    existing: Document | None, registration: SenderRegistration, secret_box: SecretBox
) -> bool:
    if existing is None:
        return True
    try:
        old = secret_box.open(existing.get("secret_sealed", ""))
    except SecretUnreadable:
        return True
    return old != registration.secret.get_secret_value().encode()
