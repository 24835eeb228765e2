"""Events published by records, major version 1. No child's details: ids, times, and
where a file goes."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0"

TRANSFER_STARTED = "records.transfer.started.v1"
TRANSFER_OFFERED = "records.transfer.offered.v1"
TRANSFER_RECEIVED = "records.transfer.received.v1"


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TransferStarted(_Payload):
    """A child with a child protection file left, or a DSL asked to send the file: it must
    reach the new school within the file-transfer time limit (case starts that clock)."""

    transfer_id: str
    pupil_id: str
    reason: Literal["leaver", "requested"]
    counts_from: date = Field(description="the last day on roll, or the day a DSL asked")
    started_at: AwareDatetime


class TransferOffered(_Payload):
    """The file was offered to its destination: a school in this deployment (its DSLs are
    alerted) or, outside it, a receiving DSL's e-mail address (sent a one-time link). The
    link's token is the link; the access code that opens it never travels with it."""

    transfer_id: str
    attempt_id: str
    pupil_id: str
    route: Literal["school", "email"]
    to_school_id: str | None = None
    to_trust_id: str | None = None
    recipient_email: str | None = None
    link_token: str | None = None
    link_expires_at: AwareDatetime | None = None
    offered_at: AwareDatetime


class TransferReceived(_Payload):
    """The receiving school confirmed receipt of the file: accepted in Harbour, or confirmed
    on the one-time link's page. Meets file-transfer at the sending school."""

    transfer_id: str
    pupil_id: str
    route: Literal["school", "email"]
    received_at: AwareDatetime
    received_by: str


_EVENT_IDS = uuid.UUID("8a6c1f0e-5b3d-4c2a-9e7f-1d2b3c4a5e6f")


def transfer_event_id(transfer_id: str, what: str) -> str:
    """Fixed by the transfer (and attempt): publishing a step twice is one event."""
    return str(uuid.uuid5(_EVENT_IDS, f"{transfer_id}\x1f{what}"))


EVENTS: dict[str, type[BaseModel]] = {
    TRANSFER_STARTED: TransferStarted,
    TRANSFER_OFFERED: TransferOffered,
    TRANSFER_RECEIVED: TransferReceived,
}
