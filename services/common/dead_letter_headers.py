"""What a dead-lettered message says about its death (the broker's `x-death` header), read
without keeping anything of its content but its trust id. Pure: no broker, no store."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


@dataclass(frozen=True)
class DeadLetter:
    service: str  # whose queue it left
    queue: str
    reason: str  # rejected (at once), delivery_limit (failed too often), expired, maxlen
    count: int  # how often it has died in that queue for that reason (a replay adds one)
    message_id: str  # the event id, or a digest of the body when it had none
    event_type: str | None
    trust_id: str | None
    died_at: datetime | None


def dead_letter_of(
    headers: Mapping[str, Any], message_id: str | None, body: bytes
) -> DeadLetter | None:
    """Where and why a copied message died; None if it carries no `x-death` (it was not
    dead-lettered by the broker: nothing to report)."""
    deaths = headers.get("x-death")
    if not isinstance(deaths, Sequence) or not deaths or not isinstance(deaths[0], Mapping):
        return None
    latest = deaths[0]  # the broker puts the most recent death first
    queue = str(latest.get("queue", ""))
    keys = latest.get("routing-keys") or []
    event_type = str(keys[0]) if keys and _ID.match(str(keys[0])) else None
    died_at = latest.get("time")
    return DeadLetter(
        service=queue.split(".", 1)[0],
        queue=queue,
        reason=str(latest.get("reason", "unknown")),
        count=int(latest.get("count", 1)),
        message_id=message_id
        if message_id and _ID.match(message_id)
        else "sha256:" + hashlib.sha256(body).hexdigest()[:32],
        event_type=event_type,
        trust_id=_trust_of(body),
        died_at=died_at if isinstance(died_at, datetime) else None,
    )


def _trust_of(body: bytes) -> str | None:
    try:
        envelope = json.loads(body)
    except ValueError:
        return None
    trust_id = envelope.get("trust_id") if isinstance(envelope, dict) else None
    return trust_id if isinstance(trust_id, str) and _ID.match(trust_id) else None
