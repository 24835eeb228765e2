"""Other pupils a concern names (child-on-child), on the Record a concern form: each found
by name (a POST, so no name is in an address), added with their part, kept on every round
trip as hidden inputs, and sent as `other_pupils_involved`. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import FormData

from contracts.child_vocabulary import Part
from contracts.intake_v1 import MAX_OTHER_PUPILS

PARTS = {
    Part.VICTIM: "Victim",
    Part.ALLEGED_PERPETRATOR: "Alleged perpetrator",
    Part.WITNESS: "Witness",
    Part.OTHER: "Other",
}


@dataclass
class Other:
    pupil_id: str
    label: str  # name and date of birth, as the search showed them
    part: str


def others_from_form(form: FormData) -> list[Other]:
    pupils = [v for v in form.getlist("other_pupil") if isinstance(v, str)]
    parts = [v for v in form.getlist("other_part") if isinstance(v, str)]
    others = []
    for choice, part in zip(pupils[: MAX_OTHER_PUPILS + 1], parts, strict=False):
        pupil_id, _, label = choice.partition("|")
        if pupil_id:
            others.append(Other(pupil_id, label[:200], part))
    return others


def add_other(others: list[Other], choice: str, part: str, pupil_id: str) -> str | None:
    """Add the chosen pupil with their part; the problem to show otherwise."""
    other_id, _, label = choice.partition("|")
    if not other_id:
        return "Find the other pupil and choose them"
    if part not in PARTS:
        return "Select the other pupil's part"
    if other_id == pupil_id:
        return "The concern is about this pupil: choose another"
    if any(o.pupil_id == other_id for o in others):
        return "This pupil is named already"
    if len(others) >= MAX_OTHER_PUPILS:
        return f"You can name up to {MAX_OTHER_PUPILS} other pupils"
    others.append(Other(other_id, label[:200], part))
    return None


def others_body(others: list[Other]) -> list[dict[str, str]]:
    return [{"pupil_id": o.pupil_id, "part": o.part} for o in others]
