"""Notes on a child's case: a conversation, phone call, meeting or strategy discussion,
when it happened, who took part and what was said. Written once, never changed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from contracts import case_v1
from contracts.case_vocabulary import NoteKind
from contracts.envelope import Actor, Envelope
from services.case.domain.case_steps import case_event
from services.case.domain.triage import CLOCK_SKEW

Participant = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class NoteRequest(BaseModel):
    """The body of POST /v1/children/{pupil_id}/notes."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: NoteKind
    occurred_at: AwareDatetime
    participants: list[Participant] = Field(default_factory=list, max_length=30)
    summary: str = Field(min_length=1, max_length=10_000)


def timing_problem(request: NoteRequest, now: datetime) -> str | None:
    if request.occurred_at > now + CLOCK_SKEW:
        return "a note records what has happened: this time is in the future"
    return None


def new_note(
    request: NoteRequest, *, note_id: str, added_by: str, added_at: datetime, fingerprint: str
) -> dict[str, Any]:
    return {
        "note_id": note_id,
        "kind": request.kind.value,
        "occurred_at": request.occurred_at,
        "participants": list(request.participants),
        "summary": request.summary,
        "added_by": added_by,
        "added_at": added_at,
        "fingerprint": fingerprint,
    }


def added_event(
    case: Mapping[str, Any], note: Mapping[str, Any], actor: Actor
) -> Envelope[BaseModel]:
    payload = case_v1.NoteAdded(
        pupil_id=case["pupil_id"],
        note_id=note["note_id"],
        kind=note["kind"],
        occurred_at=note["occurred_at"],
        participants=note["participants"],
        summary=note["summary"],
        added_at=note["added_at"],
    )
    return case_event(
        case, case_v1.NOTE_ADDED, payload, step=note["note_id"], actor=actor, at=note["added_at"]
    )
