"""Transfers of a child's file to the next school: their ids, what is stored, their
states, the one-time link and its access code, and the events each step publishes.

A transfer starts when a pupil with a file leaves, or when a DSL asks; it is offered to
its destination (a school in this deployment, or a receiving DSL's e-mail address outside
it) once or more (each offer an `attempt`), and ends when receipt is confirmed. States:
`awaiting_destination` (a leaver whose next school is not known here yet), `offered`,
`downloaded` (an outside DSL fetched the bundle), `received`, and `expired` (the last
offer's link ran out unconfirmed: the DSL offers it again). Pure code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel

from contracts.envelope import Actor, Envelope, Subject
from contracts.records_v1 import (
    TRANSFER_OFFERED,
    TRANSFER_RECEIVED,
    TRANSFER_STARTED,
    TransferOffered,
    TransferReceived,
    TransferStarted,
    transfer_event_id,
)
from services.common.events import make_envelope

Route = Literal["school", "email"]
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def _short(kind: str, *parts: str) -> str:
    return kind + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:20]


def leaver_transfer_id(school_id: str, pupil_id: str, last_day: date) -> str:
    """One transfer per departure: a redelivered departure is the same transfer."""
    return _short("tr", "leaver", school_id, pupil_id, last_day.isoformat())


def requested_transfer_id(school_id: str, user_id: str, key: str) -> str:
    return _short("tr", "requested", school_id, user_id, key)


def attempt_id_for(transfer_id: str, user_id: str | None, key: str) -> str:
    """A DSL's retried request (same Idempotency-Key) is the same offer."""
    return _short("of", transfer_id, user_id or "-", key)


# -- the one-time link and its access code -------------------------------------------------


def link_token(secret: bytes, attempt_id: str) -> str:
    """The link's secret part. Derived from the offer, so a retried request gets the same
    link and code, and only the deployment's key can make it; stored only as its digest."""
    mac = hmac.new(secret, f"token:{attempt_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:24]).decode("ascii")


def access_code(secret: bytes, attempt_id: str) -> str:
    """Eight characters a DSL can read out over the phone: "K7P2-9QXM" (40 bits)."""
    mac = hmac.new(secret, f"code:{attempt_id}".encode(), hashlib.sha256).digest()
    letters = [_CODE_ALPHABET[b % len(_CODE_ALPHABET)] for b in mac[:8]]
    return "".join(letters[:4]) + "-" + "".join(letters[4:])


def link_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def code_digest(link: str, code: str) -> str:
    normalised = "".join(code.split()).replace("-", "").upper()
    return hashlib.sha256(f"{link}:{normalised}".encode()).hexdigest()


def code_matches(stored_digest: str, link: str, code: str) -> bool:
    return hmac.compare_digest(stored_digest, code_digest(link, code))


# -- documents -------------------------------------------------------------------------------


def new_transfer(
    *,
    trust_id: str,
    school_id: str,
    pupil_id: str,
    reason: Literal["leaver", "requested"],
    counts_from: date,
    at: datetime,
    by: str,
    destination_urn: str | None = None,
) -> dict[str, Any]:
    return {
        "trust_id": trust_id,
        "school_id": school_id,
        "pupil_id": pupil_id,
        "reason": reason,
        "counts_from": counts_from.isoformat(),
        "destination_urn": destination_urn,
        "created_at": at,
        "created_by": by,
        "state": "awaiting_destination",
        "attempts": [],
        "received": None,
    }


def new_attempt(
    attempt_id: str,
    *,
    route: Route,
    at: datetime,
    by: str,
    sent: Mapping[str, Mapping[str, Any]],
    to_school: Mapping[str, Any] | None = None,
    email: str | None = None,
    link: str | None = None,
    expires_at: datetime | None = None,
) -> dict[str, Any]:
    """One offer of the file. `sent`: each chain's length and head hash as offered, so the
    receiver gets exactly what was offered even if the file grows meanwhile."""
    return {
        "attempt_id": attempt_id,
        "route": route,
        "at": at,
        "by": by,
        "to_school_id": to_school["_id"] if to_school else None,
        "to_trust_id": to_school["trust_id"] if to_school else None,
        "to_school_name": to_school.get("name") if to_school else None,
        "to_urn": to_school.get("urn") if to_school else None,
        "email": email,
        "link_id": link,
        "expires_at": expires_at,
        "downloads": 0,
        "last_downloaded_at": None,
        "sent": {name: dict(head) for name, head in sent.items()},
    }


def current_attempt(transfer: Mapping[str, Any]) -> dict[str, Any] | None:
    attempts = transfer.get("attempts") or []
    return dict(attempts[-1]) if attempts else None


def state_of(transfer: Mapping[str, Any], now: datetime) -> str:
    if transfer.get("received"):
        return "received"
    attempt = current_attempt(transfer)
    if attempt is None:
        return "awaiting_destination"
    if attempt["expires_at"] is not None and attempt["expires_at"] <= now:
        return "expired"
    return "downloaded" if attempt["downloads"] else "offered"


def is_open(transfer: Mapping[str, Any]) -> bool:
    return not transfer.get("received")


# -- events ----------------------------------------------------------------------------------


def _envelope(
    event_type: str, payload: BaseModel, transfer: Mapping[str, Any], actor: Actor, what: str
) -> Envelope[BaseModel]:
    return make_envelope(
        event_type,
        payload,
        trust_id=transfer["trust_id"],
        school_id=transfer["school_id"],
        subject=Subject(kind="child", id=transfer["pupil_id"]),
        actor=actor,
        correlation_id=transfer_event_id(transfer["_id"], "started"),
        event_id=transfer_event_id(transfer["_id"], what),
    )


def transfer_started(transfer: Mapping[str, Any], actor: Actor) -> Envelope[BaseModel]:
    payload = TransferStarted(
        transfer_id=transfer["_id"],
        pupil_id=transfer["pupil_id"],
        reason=transfer["reason"],
        counts_from=date.fromisoformat(transfer["counts_from"]),
        started_at=transfer["created_at"],
    )
    return _envelope(TRANSFER_STARTED, payload, transfer, actor, "started")


def transfer_offered(
    transfer: Mapping[str, Any], attempt: Mapping[str, Any], actor: Actor, token: str | None
) -> Envelope[BaseModel]:
    payload = TransferOffered(
        transfer_id=transfer["_id"],
        attempt_id=attempt["attempt_id"],
        pupil_id=transfer["pupil_id"],
        route=attempt["route"],
        to_school_id=attempt["to_school_id"],
        to_trust_id=attempt["to_trust_id"],
        recipient_email=attempt["email"],
        link_token=token,
        link_expires_at=attempt["expires_at"],
        offered_at=attempt["at"],
    )
    return _envelope(TRANSFER_OFFERED, payload, transfer, actor, f"offered:{attempt['attempt_id']}")


def transfer_received(
    transfer: Mapping[str, Any], route: Route, by: str, at: datetime, actor: Actor
) -> Envelope[BaseModel]:
    payload = TransferReceived(
        transfer_id=transfer["_id"],
        pupil_id=transfer["pupil_id"],
        route=route,
        received_at=at,
        received_by=by,
    )
    return _envelope(TRANSFER_RECEIVED, payload, transfer, actor, "received")


def receipt(route: Route, by: str, at: datetime, **details: Any) -> dict[str, Any]:
    """Who received the file, how and when (stored on the transfer)."""
    return {"route": route, "by": by, "at": at, **details}
