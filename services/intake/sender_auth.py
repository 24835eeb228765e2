"""Authenticating a police sender from the signed request (no bearer token)."""

from __future__ import annotations

import logging
import secrets
import time

from fastapi import HTTPException, Request, status

from services.common.ids import ID_RE
from services.common.rate_limits import limit_writes_of
from services.common.store import Document
from services.intake.domain.signatures import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    SignatureError,
    verify_signature,
)
from services.intake.secret_box import SecretBox, SecretUnreadable
from services.intake.store import IntakeStore

log = logging.getLogger("harbour.intake.senders")

SENDER_HEADER = "X-Harbour-Sender"
# Verifying an unknown sender against a throwaway key makes it fail exactly like a
# known sender with a wrong signature: the answer does not reveal which senders exist.
_UNKNOWN_SENDER_KEY = secrets.token_bytes(32)


def _unauthorized(reason: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, reason, headers={"WWW-Authenticate": "Harbour-HMAC-SHA256"}
    )


async def authenticate_sender(
    store: IntakeStore, secret_box: SecretBox, request: Request, body: bytes
) -> Document:
    """Return the sender whose secret signs this request, or answer 401; 429 once the
    sender has spent its writes (counted only for requests it really signed, so nobody
    can spend a police force's budget by naming it)."""
    sender_id = request.headers.get(SENDER_HEADER, "").strip()
    sender = None
    if ID_RE.fullmatch(sender_id):
        sender = await store.sender(sender_id)
    secret = _UNKNOWN_SENDER_KEY
    if sender is not None:
        try:
            secret = secret_box.open(sender.get("secret_sealed", ""))
        except SecretUnreadable:
            # Sealed under a key this process lacks (HARBOUR_SECRETS_KEY changed without
            # keeping the old key): refused like any bad signature; the operator must know.
            log.error("sender secret cannot be opened", extra={"sender_id": sender_id})
            sender = None
    try:
        verify_signature(
            secret,
            request.headers.get(TIMESTAMP_HEADER),
            request.headers.get(SIGNATURE_HEADER),
            body,
            now=time.time(),
        )
    except SignatureError as exc:
        log.warning(
            "sender request refused",
            extra={"sender_id": sender_id[:64] if sender else "unknown", "reason": exc.reason},
        )
        raise _unauthorized(exc.reason) from None
    if sender is None:  # unreachable unless someone guessed a 256-bit key
        raise _unauthorized("signature does not match the request")
    limit_writes_of(request, f"sender:{sender['_id']}")
    return sender
