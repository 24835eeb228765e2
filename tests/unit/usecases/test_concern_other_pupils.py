"""A concern may name other pupils of the school with their part (child-on-child): each
must be on the roll, not the concern's own child, and named once, or the concern is
refused naming the entry, with nothing stored; the event carries them."""

import pytest
from pydantic import ValidationError

from contracts.registry import decode
from services.common.errors import InvalidFields
from services.intake.usecases.raise_concern import raise_concern
from tests.unit.usecases.test_raise_concern import TEACHER, submission, world  # noqa: F401

OTHERS = [
    {"pupil_id": "P2", "part": "alleged_perpetrator"},
    {"pupil_id": "P3", "part": "witness"},
]


async def _on_roll(ports, *pupils: str) -> None:
    for pupil in pupils:
        await ports.store.pupils.insert_one(
            {"_id": f"oak/{pupil}", "school_id": "oak", "pupil_id": pupil}
        )


async def test_the_event_names_the_other_pupils_and_their_part(world):  # noqa: F811
    ports, _ = world
    await _on_roll(ports, "P2", "P3")
    receipt = await raise_concern(ports, TEACHER, submission(other_pupils_involved=OTHERS), "k")

    stored = await ports.store.concerns.find_one({"_id": receipt.concern_id})
    event = decode(stored["outbox"][0]["body"].encode())
    assert [(p.pupil_id, p.part.value) for p in event.payload.other_pupils_involved] == [
        ("P2", "alleged_perpetrator"),
        ("P3", "witness"),
    ]
    again = await raise_concern(ports, TEACHER, submission(other_pupils_involved=OTHERS), "k")
    assert again == receipt


@pytest.mark.parametrize(
    ("named", "fields"),
    [
        ([{"pupil_id": "P9", "part": "victim"}], ["other_pupils_involved.0.pupil_id"]),
        ([{"pupil_id": "P1", "part": "victim"}], ["other_pupils_involved.0.pupil_id"]),
        (
            [{"pupil_id": "P2", "part": "victim"}, {"pupil_id": "P2", "part": "witness"}],
            ["other_pupils_involved.1.pupil_id"],
        ),
        (
            [{"pupil_id": "P2", "part": "victim"}, {"pupil_id": "P8", "part": "other"}],
            ["other_pupils_involved.1.pupil_id"],
        ),
    ],
)
async def test_a_pupil_not_on_the_roll_or_named_wrongly_is_refused_naming_the_entry(
    world,  # noqa: F811
    named,
    fields,
):
    ports, _ = world
    await _on_roll(ports, "P2")
    with pytest.raises(InvalidFields) as refused:
        await raise_concern(ports, TEACHER, submission(other_pupils_involved=named), "k")
    assert [field for field, _ in refused.value.problems] == fields
    assert await ports.store.concerns.count_documents({}) == 0


def test_an_unknown_part_is_refused_by_the_body_itself():
    with pytest.raises(ValidationError) as refused:
        submission(other_pupils_involved=[{"pupil_id": "P2", "part": "bystander"}])
    assert refused.value.errors()[0]["loc"] == ("other_pupils_involved", 0, "part")
