"""Event type → payload model, for every event Harbour publishes."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ValidationError

from contracts import case_v1, intake_v1, notification_v1, records_v1
from contracts.envelope import Envelope, RawEnvelope


@dataclass(frozen=True)
class EventType:
    name: str
    producer: str
    schema_version: str
    payload: type[BaseModel]


def _collect() -> dict[str, EventType]:
    found: dict[str, EventType] = {}
    for module, producer in (
        (intake_v1, "intake"),
        (case_v1, "case"),
        (notification_v1, "notification"),
        (records_v1, "records"),
    ):
        for name, payload in module.EVENTS.items():
            found[name] = EventType(name, producer, module.SCHEMA_VERSION, payload)
    return found


EVENT_TYPES: dict[str, EventType] = _collect()


class InvalidEvent(ValueError):
    """A message that can never be handled: not JSON, not an envelope, unknown type, bad payload."""


def decode(body: bytes) -> Envelope[BaseModel]:
    try:
        raw = RawEnvelope.model_validate_json(body)
    except ValidationError as exc:
        raise InvalidEvent(_summary(exc)) from None
    event_type = EVENT_TYPES.get(raw.event_type)
    if event_type is None:
        raise InvalidEvent(f"unknown event type {raw.event_type!r}")
    try:
        payload = event_type.payload.model_validate(raw.payload)
    except ValidationError as exc:
        raise InvalidEvent(f"{raw.event_type}: {_summary(exc)}") from None
    return Envelope[event_type.payload].model_validate(  # type: ignore[name-defined]
        {**raw.model_dump(exclude={"payload"}), "payload": payload}
    )


def _summary(exc: ValidationError) -> str:
    # Only field locations and error kinds: a payload may hold a child's details.
    parts = [".".join(str(p) for p in err["loc"]) + f": {err['type']}" for err in exc.errors()[:5]]
    return "; ".join(parts) or "invalid"
