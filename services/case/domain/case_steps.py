"""What every step in a child's case file shares: its id (the same Idempotency-Key from the
same user at the same school is the same step), the fingerprint that tells a retry from a
different request under a reused key, who took it, and the event that tells of it (its id
fixed by the step, so a repeated write publishes one event)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from contracts.envelope import Actor, Envelope, Subject
from services.common.auth import Principal
from services.common.events import SYSTEM, make_envelope

_STEP_IDS = uuid.UUID("7d1e0b6c-4a2f-4f0e-9c55-3b8f1a2d6e40")
_EVENT_IDS = uuid.UUID("c3a9e5f1-0b7d-4e2a-8f61-9d4c2b7a5e13")


def step_id(prefix: str, school_id: str, user_id: str, idempotency_key: str | None) -> str:
    """`prefix` names the kind of step (act, ref, note…): a key reused on another kind of
    step is another step. Without a key every request is a new step."""
    if idempotency_key is None:
        return f"{prefix}_{uuid.uuid4().hex}"
    name = f"{prefix}\x1f{school_id}\x1f{user_id}\x1f{idempotency_key}"
    return f"{prefix}_{uuid.uuid5(_STEP_IDS, name).hex}"


def fingerprint(request: BaseModel, *target: str) -> str:
    """The request and what it is about, so a retry can be told from a different request."""
    body = request.model_dump_json()
    return hashlib.sha256("\x1f".join([*target, body]).encode()).hexdigest()


def find(items: Sequence[Mapping[str, Any]] | None, key: str, value: str) -> dict[str, Any] | None:
    """The item of a case's list (actions, referrals…) whose `key` is `value`."""
    return next((dict(item) for item in items or () if item.get(key) == value), None)


def replaced(
    items: Sequence[Mapping[str, Any]], key: str, item: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The list with `item` in place of the one with the same `key`."""
    return [dict(item) if old.get(key) == item[key] else dict(old) for old in items]


def actor_of(principal: Principal) -> Actor:
    return Actor(kind="user", id=principal.user_id, role=principal.primary_role or None)


def event_id_for(event_type: str, step: str) -> str:
    return str(uuid.uuid5(_EVENT_IDS, f"{event_type}\x1f{step}"))


def case_event(
    case: Mapping[str, Any],
    event_type: str,
    payload: BaseModel,
    *,
    step: str,
    actor: Actor = SYSTEM,
    at: datetime,
    correlation_id: str | None = None,
    causation: Envelope[BaseModel] | None = None,
) -> Envelope[BaseModel]:
    """A step's event: about the case's child, its id fixed by the step and its type."""
    return make_envelope(
        event_type,
        payload,
        trust_id=case["trust_id"],
        school_id=case["school_id"],
        subject=Subject(kind="child", id=case["pupil_id"]),
        actor=actor,
        correlation_id=correlation_id or step,
        causation=causation,
        event_id=event_id_for(event_type, step),
        occurred_at=at,
    )
