"""Publishing departures: a leaving date a roster named comes due, and intake.pupil.left.v1
goes out once, whoever notices first."""

from datetime import UTC, datetime

import pytest

from contracts.intake_v1 import PUPIL_LEFT, PUPIL_RECORDED
from services.intake.usecases.import_roster import import_roster
from services.intake.usecases.publish_departures import publish_departures
from tests.support.memory import outbox_of
from tests.unit.usecases.intake_ports import memory_intake
from tests.unit.usecases.test_import_roster import ADMIN, ada, roster


@pytest.fixture
async def world():
    ports, relay = memory_intake()  # today is 10 March 2026
    await ports.store.schools.insert_one({"_id": "oak", "trust_id": "severn", "name": "Oak"})
    return ports, relay


async def test_a_leaving_date_that_comes_due_is_published_once(world):
    ports, relay = world
    await import_roster(ports, ADMIN, "oak", roster(ada(on_roll_to="2026-03-12")))
    relay.enqueued.clear()

    assert await publish_departures(ports) == 0  # still on roll until the 12th
    ports.clock.moment = datetime(2026, 3, 13, 9, 0, tzinfo=UTC)
    assert await publish_departures(ports) == 1
    assert await publish_departures(ports) == 0

    assert await outbox_of(ports.store.pupils, "oak/OAK-0201") == [PUPIL_RECORDED, PUPIL_LEFT]
    stored = await ports.store.pupils.find_one({"_id": "oak/OAK-0201"})
    assert stored["left_notified"] == "2026-03-12"
    assert relay.enqueued == [("pupils", "oak/OAK-0201")]


async def test_a_departure_an_import_published_is_not_published_again(world):
    ports, _ = world
    await import_roster(ports, ADMIN, "oak", roster(ada(on_roll_to="2026-03-01")))

    assert await publish_departures(ports) == 0
    assert await outbox_of(ports.store.pupils, "oak/OAK-0201") == [PUPIL_RECORDED, PUPIL_LEFT]


async def test_the_same_departure_has_the_same_event_id_whoever_publishes_it(world):
    ports, _ = world
    await import_roster(ports, ADMIN, "oak", roster(ada(on_roll_to="2026-03-12")))
    ports.clock.moment = datetime(2026, 3, 13, 9, 0, tzinfo=UTC)
    await publish_departures(ports)
    by_loop = await ports.store.pupils.find_one({"_id": "oak/OAK-0201"})

    other, _ = memory_intake()
    await other.store.schools.insert_one({"_id": "oak", "trust_id": "severn", "name": "Oak"})
    other.clock.moment = ports.clock.moment
    await import_roster(other, ADMIN, "oak", roster(ada(on_roll_to="2026-03-12")))
    by_import = await other.store.pupils.find_one({"_id": "oak/OAK-0201"})

    assert by_loop["outbox"][-1]["event_id"] == by_import["outbox"][-1]["event_id"]
