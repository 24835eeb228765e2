"""How a pupil is stored in intake, and what a roster import does to a stored pupil.

Pure: the roster importer and the pupil API read and write the store; this module
decides what the stored document should hold and which events a change causes.

Dates are stored as ISO strings (`YYYY-MM-DD`), which sort and compare as dates.
Every pupil document carries the keys the matcher looks pupils up by: `surname_key`,
`forename_keys` and `upn`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from services.intake.domain.matching import Candidate
from services.intake.domain.names import forename_keys, surname_key
from services.intake.domain.roster import RosterPupil, is_leaver

# Fields of intake.pupil.recorded.v1: a change to any of them is published.
RECORDED_FIELDS = ("forename", "surname", "date_of_birth", "upn")
_EVENT_IDS = uuid.UUID("6f0e5a52-8b1d-4a8e-9a77-3c1f1d2a9b40")


def lookup_keys(forename: str, surname: str, preferred_forename: str | None) -> dict[str, Any]:
    return {
        "surname_key": surname_key(surname),
        "forename_keys": sorted(forename_keys(forename, preferred_forename)),
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
        **lookup_keys(pupil.forename, pupil.surname, pupil.preferred_forename),
    }


@dataclass(frozen=True)
class RollPeriod:
    on_roll_from: date
    on_roll_to: date | None


def roll_period(doc: dict[str, Any]) -> RollPeriod:
    """Pupils recorded one by one (PUT) carry no roll dates: they count as on roll."""
    start = doc.get("on_roll_from")
    end = doc.get("on_roll_to")
    return RollPeriod(
        on_roll_from=date.fromisoformat(start) if start else date.min,
        on_roll_to=date.fromisoformat(end) if end else None,
    )


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


def plan_pupil(pupil: RosterPupil, stored: dict[str, Any] | None, today: date) -> PupilPlan:
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
    if "left_notified" not in stored and "left_notified" not in extra:
        extra["left_notified"] = None  # pupils first recorded by PUT lack the field
    kind: Literal["updated", "unchanged"] = "updated" if changed else "unchanged"
    return PupilPlan(kind, state, recorded=recorded, left_on=left_on, extra=extra)


def left_event_id(school_id: str, pupil_id: str, last_day: date) -> str:
    """Deterministic, so that publishing the same departure twice yields one event."""
    return str(uuid.uuid5(_EVENT_IDS, f"pupil-left/{school_id}/{pupil_id}/{last_day}"))


def candidate_from(doc: dict[str, Any]) -> Candidate:
    """A stored pupil as the matcher sees it."""
    period = roll_period(doc)
    return Candidate(
        pupil_id=doc["pupil_id"],
        school_id=doc["school_id"],
        trust_id=doc["trust_id"],
        upn=doc.get("upn"),
        forename=doc["forename"],
        preferred_forename=doc.get("preferred_forename"),
        surname=doc["surname"],
        date_of_birth=date.fromisoformat(doc["date_of_birth"]),
        on_roll_from=period.on_roll_from,
        on_roll_to=period.on_roll_to,
    )


# Only what matching and the DSL's choice of candidates need; never the outbox.
CANDIDATE_PROJECTION = {
    "_id": 0,
    "pupil_id": 1,
    "school_id": 1,
    "trust_id": 1,
    "upn": 1,
    "forename": 1,
    "preferred_forename": 1,
    "surname": 1,
    "date_of_birth": 1,
    "on_roll_from": 1,
    "on_roll_to": 1,
}
