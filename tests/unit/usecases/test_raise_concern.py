"""Raising a concern, as a use case: what is stored, what is published, who may."""

import pytest

from contracts.intake_v1 import CONCERN_RAISED
from services.common.auth import Principal
from services.common.errors import Conflict, Invalid, NotFound
from services.intake.domain.concerns import ConcernSubmission
from services.intake.usecases.concern_receipt import concern_receipt
from services.intake.usecases.raise_concern import raise_concern
from tests.support.api import concern_body
from tests.support.memory import outbox_of
from tests.unit.usecases.intake_ports import memory_intake

TEACHER = Principal("teacher-1", frozenset({"staff"}), "oak", None)  # type: ignore[arg-type]


@pytest.fixture
async def world():
    ports, relay = memory_intake()
    await ports.store.schools.insert_one({"_id": "oak", "trust_id": "oak-trust", "name": "Oak"})
    await ports.store.pupils.insert_one({"_id": "oak/P1", "school_id": "oak", "pupil_id": "P1"})
    return ports, relay


def submission(pupil_id="P1", **overrides):
    return ConcernSubmission.model_validate(concern_body("oak", pupil_id, **overrides))


async def test_a_concern_is_stored_with_its_event_and_handed_to_the_relay(world):
    ports, relay = world
    receipt = await raise_concern(ports, TEACHER, submission(), "key-1")

    assert receipt.received_at == ports.clock.now()
    assert await outbox_of(ports.store.concerns, receipt.concern_id) == [CONCERN_RAISED]
    assert relay.enqueued == [("concerns", receipt.concern_id)]


async def test_a_retry_with_the_same_key_is_the_same_concern(world):
    ports, relay = world
    first = await raise_concern(ports, TEACHER, submission(), "key-1")
    ports.clock.advance(minutes=5)
    again = await raise_concern(ports, TEACHER, submission(), "key-1")

    assert again == first
    assert await ports.store.concerns.count_documents({}) == 1
    assert len(relay.enqueued) == 1


async def test_the_same_key_for_another_concern_is_a_conflict(world):
    ports, _ = world
    await raise_concern(ports, TEACHER, submission(), "key-1")
    with pytest.raises(Conflict):
        await raise_concern(ports, TEACHER, submission(description="Something else"), "key-1")


async def test_an_unknown_pupil_is_refused_naming_the_field(world):
    ports, _ = world
    with pytest.raises(Invalid) as refused:
        await raise_concern(ports, TEACHER, submission(pupil_id="P2"), "key-1")
    assert refused.value.field == "pupil_id"
    assert await ports.store.concerns.count_documents({}) == 0


async def test_staff_of_another_school_cannot_raise_one_here(world):
    ports, _ = world
    stranger = Principal("t-2", frozenset({"staff"}), "elm", None)  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        await raise_concern(ports, stranger, submission(), "key-1")


async def test_only_the_reporter_reads_the_receipt(world):
    ports, _ = world
    raised = await raise_concern(ports, TEACHER, submission(), "key-1")

    receipt = await concern_receipt(ports, TEACHER, raised.concern_id)
    assert (receipt.pupil_id, receipt.received_at) == ("P1", raised.received_at)

    colleague = Principal("teacher-2", frozenset({"staff"}), "oak", None)  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        await concern_receipt(ports, colleague, raised.concern_id)
