"""Raising a concern about an adult, as a use case: stored once with its event (which
carries the adult case's id and the words), children checked against the roll, a retry
safe, and the reporter's receipt the only thing anyone reads back from intake."""

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from contracts.adult_cases import adult_case_id
from contracts.intake_v1 import ADULT_CONCERN_RAISED
from contracts.registry import decode
from services.common.auth import Principal
from services.common.errors import Conflict, InvalidFields, NotFound
from services.intake.domain.adult_concerns import AdultConcernSubmission
from services.intake.usecases.adult_concern_receipt import adult_concern_receipt
from services.intake.usecases.raise_adult_concern import raise_adult_concern
from tests.support.memory import outbox_of
from tests.unit.usecases.intake_ports import memory_intake

TEACHER = Principal("teacher-1", frozenset({"staff"}), "oak", "oak-trust")  # type: ignore[arg-type]
HEAD = Principal("head-1", frozenset({"headteacher"}), "oak", "oak-trust")  # type: ignore[arg-type]
ELM_TEACHER = Principal("teacher-1", frozenset({"staff"}), "elm", "elm-trust")  # type: ignore[arg-type]


@pytest.fixture
async def world():
    ports, relay = memory_intake()
    await ports.store.schools.insert_one({"_id": "oak", "trust_id": "oak-trust", "name": "Oak"})
    await ports.store.pupils.insert_one({"_id": "oak/P1", "school_id": "oak", "pupil_id": "P1"})
    return ports, relay


def body(**overrides):
    fields = {
        "school_id": "oak",
        "subject": {"name": "Sam Teach", "role": "staff", "staff_user_id": "teacher-9"},
        "occurred_at": datetime(2026, 3, 9, 15, 30, tzinfo=UTC).isoformat(),
        "description": "Shouted at a pupil and grabbed his arm in the corridor.",
        "children_involved": ["P1"],
        "whistleblowing": False,
    }
    return AdultConcernSubmission.model_validate(fields | overrides)


async def test_it_is_stored_with_its_event_naming_the_case_it_opens(world):
    ports, relay = world
    receipt = await raise_adult_concern(ports, TEACHER, body(), "key-1")
    concern_id = receipt.adult_concern_id
    assert await outbox_of(ports.store.adult_concerns, concern_id) == [ADULT_CONCERN_RAISED]
    assert relay.enqueued == [("adult_concerns", concern_id)]
    stored = await ports.store.adult_concerns.find_one({"_id": concern_id})
    event = decode(stored["outbox"][0]["body"].encode())
    assert event.payload.case_id == adult_case_id(concern_id)
    assert event.subject.model_dump() == {"kind": "adult", "id": adult_case_id(concern_id)}
    assert event.payload.subject.name == "Sam Teach"  # the words travel in this event only
    assert "Sam" not in event.model_dump_json(include={"subject", "actor", "correlation_id"})


async def test_a_retry_is_the_same_concern_and_another_body_under_the_key_a_conflict(world):
    ports, relay = world
    first = await raise_adult_concern(ports, TEACHER, body(), "key-1")
    ports.clock.advance(minutes=5)
    assert await raise_adult_concern(ports, TEACHER, body(), "key-1") == first
    assert len(relay.enqueued) == 1
    with pytest.raises(Conflict):
        await raise_adult_concern(ports, TEACHER, body(description="Other words"), "key-1")


async def test_a_child_not_on_the_roll_is_refused_naming_it(world):
    ports, _ = world
    with pytest.raises(InvalidFields) as refused:
        await raise_adult_concern(ports, TEACHER, body(children_involved=["P1", "P9"]), "k")
    assert refused.value.problems == [
        ("children_involved.1", "no pupil with this id at this school")
    ]


async def test_another_school_is_not_found(world):
    ports, _ = world
    with pytest.raises(NotFound):
        await raise_adult_concern(ports, ELM_TEACHER, body(), "key-1")


async def test_only_the_reporter_reads_the_receipt(world):
    ports, _ = world
    receipt = await raise_adult_concern(ports, TEACHER, body(), "key-1")
    mine = await adult_concern_receipt(ports, TEACHER, receipt.adult_concern_id)
    assert mine.received_at == receipt.received_at
    for someone_else in (HEAD, ELM_TEACHER):
        with pytest.raises(NotFound):
            await adult_concern_receipt(ports, someone_else, receipt.adult_concern_id)


@pytest.mark.parametrize(
    ("subject", "field"),
    [
        ({"role": "staff"}, "name"),
        ({"name": "Sam Teach"}, "role"),
        ({"name": "Sam Teach", "role": "caretaker"}, "role"),
        ({"name": " ", "role": "staff"}, "name"),
    ],
)
def test_a_subject_without_name_or_role_or_with_an_unknown_role_is_refused(subject, field):
    with pytest.raises(ValidationError) as refused:
        body(subject=subject)
    assert refused.value.errors()[0]["loc"] == ("subject", field)
