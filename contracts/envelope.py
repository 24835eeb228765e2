"""The one envelope every integration event travels in."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

PayloadT = TypeVar("PayloadT", bound=BaseModel)

Identifier = str  # ids are opaque strings: MIS pupil ids, DfE URNs, UUIDs


class Subject(BaseModel):
    """Whom the event is about: a child, an adult or the school itself."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["child", "adult", "school"]
    id: Identifier = Field(min_length=1, max_length=64)


class Actor(BaseModel):
    """Who caused the event: a signed-in user, a police sender or Harbour itself."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["user", "sender", "system"]
    id: Identifier = Field(min_length=1, max_length=128)
    role: str | None = None


class Envelope(BaseModel, Generic[PayloadT]):
    model_config = ConfigDict(extra="forbid", frozen=True)

    event_id: str = Field(min_length=1, max_length=64, description="UUID; also the AMQP message_id")
    event_type: str = Field(description="routing key, <producer>.<subject>.<verb>.v<major>")
    schema_version: str = Field(description="major.minor of the payload schema")
    occurred_at: AwareDatetime
    producer: Literal["intake", "case", "notification", "records"]
    trust_id: Identifier = Field(min_length=1, max_length=64)
    school_id: Identifier = Field(min_length=1, max_length=64)
    subject: Subject
    correlation_id: str = Field(min_length=1, max_length=64)
    causation_id: str | None = Field(default=None, max_length=64)
    actor: Actor
    payload: PayloadT


class RawEnvelope(Envelope[Any]):
    """An envelope whose payload has not been checked against its event type yet."""

    payload: dict[str, Any]


def new_event_id() -> str:
    return str(uuid.uuid4())


def utc_now() -> datetime:
    # BSON keeps milliseconds; truncate so that what is stored equals what was sent.
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)
