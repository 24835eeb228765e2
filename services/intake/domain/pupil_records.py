"""How a pupil is stored in intake, what a roster import does to a stored pupil, and the
events a pupil's changes cause.

Pure: the use cases (`record_pupil`, `import_roster`, `publish_departures`) read and write
the store; this module decides what the stored document holds and which events a change
causes. A pupil recorded one by one (PUT) and one from a roster are stored alike: the
fields the roster owns (postcode, roll dates) are None until a roster names them.

Dates are stored as ISO strings (`YYYY-MM-DD`), which sort and compare as dates.
Every pupil document carries the keys the matcher looks pupils up by: `surname_key`,
`forename_keys` and `upn`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel

from contracts.envelope import Actor, Envelope, Subject
from contracts.intake_v1 import (
    PUPIL_LEFT,
    PUPIL_RECORDED,
    PUPILS_RECORDED,
    PupilLeft,
    PupilRecorded,
    PupilsRecorded,
)
from services.common.events import make_envelope, school_event
from services.intake.domain.matching import Candidate
from services.intake.domain.names import forename_keys, surname_key
from services.intake.domain.roster import RosterPupil, is_leaver
from services.intake.domain.schools import PupilDetails

# Fields of intake.pupil.recorded.v1: a change to any of them is published.
RECORDED_FIELDS = ("forename", "surname", "date_of_birth", "upn")
# What only a roster says about a pupil: unknown (None) for a pupil recorded by PUT.
ROSTER_ONLY_FIELDS = ("postcode", "on_roll_from", "on_roll_to", "destination_urn")
_EVENT_IDS = uuid.UUID("6f0e5a52-8b1d-4a8e-9a77-3c1f1d2a9b40")

Event = Envelope[BaseModel]


def lookup_keys(forename: str, surname: str, preferred_forename: str | None) -> dict[str, Any]:
    return {
        "surname_key": surname_key(surname),
        "forename_keys": sorted(forename_keys(forename, preferred_forename)),
    }


def details_state(pupil_id: str, details: PupilDetails) -> dict[str, Any]:
    """The stored fields of a pupil as an admin records them one by one (PUT)."""
    return {
        "pupil_id": pupil_id,
        **details.model_dump(mode="json"),
        **lookup_keys(details.forename, details.surname, details.preferred_forename),
    }


def roster_state(pupil: RosterPupil) -> dict[str, Any]:
    """The stored fields of a pupil as the school's roster reports them."""
    return {
        "pupil_id": pupil.pupil_id,
        "upn": pupil.upn,
        "forename": pupil.forename,
        "surname": pupil.surname,
        "preferred_forename": pupil.preferred_forename,
        "date_of_birth": pupil.date_of_birth.isoformat(),
        "postcode": pupil.postcode,
        "on_roll_from": pupil.on_roll_from.isoformat(),
        "on_roll_to": pupil.on_roll_to.isoformat() if pupil.on_roll_to else None,
        "destination_urn": pupil.destination_urn,
        **lookup_keys(pupil.forename, pupil.surname, pupil.preferred_forename),
    }


def pupil_document(
    school_id: str, trust_id: str, state: Mapping[str, Any], *, left_notified: str | None = None
) -> dict[str, Any]:
    """A pupil as first stored, however it arrived: every field present, those its source
    did not report as None. `left_notified` is the last day whose departure was published."""
    return {
        "school_id": school_id,
        "trust_id": trust_id,
        **dict.fromkeys(ROSTER_ONLY_FIELDS),
        **state,
        "left_notified": left_notified,
    }


@dataclass(frozen=True)
class PupilPlan:
    """What to do with one roster row: the fields to set and the events it causes."""

    kind: Literal["created", "updated", "unchanged"]
    state: dict[str, Any]
    recorded: bool = False  # publish intake.pupil.recorded.v1
    left_on: date | None = None  # publish intake.pupil.left.v1 for this last day
    extra: dict[str, Any] = field(default_factory=dict)  # bookkeeping fields to set

    @property
    def writes(self) -> bool:
        return self.kind != "unchanged" or bool(self.extra) or self.left_on is not None


def plan_pupil(pupil: RosterPupil, stored: Mapping[str, Any] | None, today: date) -> PupilPlan:
    """Compare a roster row with the stored pupil (None if new) as of `today` in England.

    intake.pupil.recorded.v1 goes out when a published field changes; a leaver's
    intake.pupil.left.v1 goes out once per departure (`left_notified` remembers it,
    and is cleared when the pupil is back on roll, so a later departure is published).
    """
    state = roster_state(pupil)
    left_on = pupil.on_roll_to if is_leaver(pupil, today) else None
    if stored is None:
        extra = {"left_notified": left_on.isoformat() if left_on else None}
        return PupilPlan("created", state, recorded=True, left_on=left_on, extra=extra)

    changed = any(stored.get(name) != value for name, value in state.items())
    recorded = any(stored.get(name) != state[name] for name in RECORDED_FIELDS)
    already_left = stored.get("left_notified") is not None
    extra: dict[str, Any] = {}
    if left_on is not None and not already_left:
        extra["left_notified"] = left_on.isoformat()
    elif left_on is None and already_left:
        extra["left_notified"] = None  # back on roll: a later departure is news again
    else:
        left_on = None
    kind: Literal["updated", "unchanged"] = "updated" if changed else "unchanged"
    return PupilPlan(kind, state, recorded=recorded, left_on=left_on, extra=extra)


def due_departure(stored: Mapping[str, Any], today: date) -> date | None:
    """The last day on roll of a pupil whose departure is due and not yet published."""
    last = stored.get("on_roll_to")
    if stored.get("left_notified") or not last or last >= today.isoformat():
        return None
    return date.fromisoformat(last)


def pupil_recorded(
    school_id: str, trust_id: str, state: Mapping[str, Any], actor: Actor, at: datetime
) -> Event:
    """intake.pupil.recorded.v1 from the pupil's stored fields."""
    payload = PupilRecorded(
        pupil_id=state["pupil_id"],
        forename=state["forename"],
        surname=state["surname"],
        date_of_birth=date.fromisoformat(state["date_of_birth"]),
        upn=state["upn"],
    )
    return make_envelope(
        PUPIL_RECORDED,
        payload,
        trust_id=trust_id,
        school_id=school_id,
        subject=Subject(kind="child", id=state["pupil_id"]),
        actor=actor,
        occurred_at=at,
    )


def pupils_recorded(
    school_id: str, trust_id: str, recorded: Sequence[Event], actor: Actor, at: datetime
) -> Event:
    """intake.pupils.recorded.v1: one event standing for these pupils' own
    intake.pupil.recorded.v1 events (one school's, from one import, all at `at`)."""
    payload = PupilsRecorded(pupils=[event.payload for event in recorded])  # type: ignore[misc]
    return school_event(
        PUPILS_RECORDED, payload, trust_id=trust_id, school_id=school_id, actor=actor, at=at
    )


def pupil_left(
    school_id: str,
    trust_id: str,
    pupil_id: str,
    last_day: date,
    actor: Actor,
    at: datetime,
    destination_urn: str | None = None,
) -> Event:
    """intake.pupil.left.v1, with an id of its own per departure: published twice, one event."""
    return make_envelope(
        PUPIL_LEFT,
        PupilLeft(pupil_id=pupil_id, last_day_on_roll=last_day, destination_urn=destination_urn),
        trust_id=trust_id,
        school_id=school_id,
        subject=Subject(kind="child", id=pupil_id),
        actor=actor,
        event_id=left_event_id(school_id, pupil_id, last_day),
        occurred_at=at,
    )


def left_event_id(school_id: str, pupil_id: str, last_day: date) -> str:
    """Deterministic, so that publishing the same departure twice yields one event."""
    return str(uuid.uuid5(_EVENT_IDS, f"pupil-left/{school_id}/{pupil_id}/{last_day}"))


def candidate_from(doc: Mapping[str, Any]) -> Candidate:
    """A stored pupil as the matcher sees it. Unknown roll dates (a pupil no roster has
    named yet) count as on roll from the start."""
    start = doc.get("on_roll_from")
    end = doc.get("on_roll_to")
    return Candidate(
        pupil_id=doc["pupil_id"],
        school_id=doc["school_id"],
        trust_id=doc["trust_id"],
        upn=doc.get("upn"),
        forename=doc["forename"],
        preferred_forename=doc.get("preferred_forename"),
        surname=doc["surname"],
        date_of_birth=date.fromisoformat(doc["date_of_birth"]),
        on_roll_from=date.fromisoformat(start) if start else date.min,
        on_roll_to=date.fromisoformat(end) if end else None,
    )
