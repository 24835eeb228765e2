"""What records logs: every access to a child's file (the child's access log, itself a
hash chain, see domain/chain.py), and the statutory deadlines met."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from contracts.case_v1 import DeadlineChanged
from contracts.envelope import Envelope
from services.records.domain.chronology import iso

# What an access was; the access log shows them in these words.
ACTIONS = {
    "chronology.read": "read the chronology",
    "file.exported": "exported the file as a PDF",
    "transfer.offered": "offered the file to another school",
    "transfer.received": "received the file (transfer accepted)",
    "bundle.downloaded": "downloaded the transfer bundle through the one-time link",
    "receipt.confirmed": "confirmed receipt through the one-time link",
    "file.disposed": "disposed of the file's content",
}


def access(
    action: str,
    *,
    user_id: str,
    roles: list[str],
    at: datetime,
    trust_id: str,
    school_id: str,
    pupil_id: str,
    purpose: str | None = None,
    detail: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One access to a child's file: who, in which role, when, and what."""
    if action not in ACTIONS:
        raise ValueError(f"unknown access {action!r}")
    return {
        "kind": "access",
        "action": action,
        "user_id": user_id,
        "roles": sorted(str(role) for role in roles),
        "at": iso(at),
        "trust_id": trust_id,
        "school_id": school_id,
        "pupil_id": pupil_id,
        "purpose": purpose,
        "detail": detail or {},
    }


def deadline_met(event: Envelope[DeadlineChanged]) -> dict[str, Any]:
    """Keyed by the event: a redelivery logs nothing more."""
    return {
        "_id": event.event_id,
        "at": event.occurred_at,
        "action": event.event_type,
        "trust_id": event.trust_id,
        "school_id": event.school_id,
        "pupil_id": event.payload.pupil_id,
        "deadline_id": event.payload.deadline_id,
        "met_by": event.payload.met_by,
    }
