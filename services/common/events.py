"""Building envelopes for the events a service publishes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from contracts.envelope import Actor, Envelope, Subject, new_event_id, utc_now
from contracts.registry import EVENT_TYPES

SYSTEM = Actor(kind="system", id="harbour")


def make_envelope(
    event_type: str,
    payload: BaseModel,
    *,
    trust_id: str,
    school_id: str,
    subject: Subject,
    actor: Actor,
    correlation_id: str | None = None,
    causation: Envelope[BaseModel] | None = None,
    event_id: str | None = None,
    occurred_at: datetime | None = None,
) -> Envelope[BaseModel]:
    spec = EVENT_TYPES[event_type]
    if not isinstance(payload, spec.payload):
        raise TypeError(
            f"{event_type} carries {spec.payload.__name__}, not {type(payload).__name__}"
        )
    event_id = event_id or new_event_id()
    return Envelope[spec.payload](  # type: ignore[name-defined]
        event_id=event_id,
        event_type=event_type,
        schema_version=spec.schema_version,
        occurred_at=occurred_at or utc_now(),
        producer=spec.producer,  # type: ignore[arg-type]
        trust_id=trust_id,
        school_id=school_id,
        subject=subject,
        correlation_id=correlation_id or (causation.correlation_id if causation else event_id),
        causation_id=causation.event_id if causation else None,
        actor=actor,
        payload=payload,
    )


def school_event(
    event_type: str,
    payload: BaseModel,
    *,
    trust_id: str,
    school_id: str,
    actor: Actor,
    at: datetime,
) -> Envelope[BaseModel]:
    """An event whose subject is the school itself: many of its pupils or children at
    once, or a change to its set-up (a trust's, named by the trust's id)."""
    return make_envelope(
        event_type,
        payload,
        trust_id=trust_id,
        school_id=school_id,
        subject=Subject(kind="school", id=school_id),
        actor=actor,
        occurred_at=at,
    )
