"""Importing a roster and publishing departures: what is stored, what is published, once."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from contracts.intake_v1 import PUPIL_LEFT, PUPIL_RECORDED
from services.common.errors import Invalid, NotFound
from services.intake.domain.roster import ROSTER_COLUMNS
from services.intake.domain.schools import PupilDetails
from services.intake.usecases.import_roster import import_roster
from services.intake.usecases.publish_departures import publish_departures
from services.intake.usecases.record_pupil import record_pupil
from tests.support.memory import outbox_of
from tests.unit.usecases.intake_ports import memory_intake, person

OAKFIELD = (Path(__file__).parents[2] / "samples" / "roster" / "oakfield_primary.csv").read_bytes()
ADMIN = person("admin", school="oak", trust="severn")


def roster(*rows: str) -> bytes:
    return "\n".join([",".join(ROSTER_COLUMNS), *rows, ""]).encode()


def ada(on_roll_to: str = "") -> str:
    return f"OAK-0201,,Ada,Moss,,2017-01-01,,2021-09-01,{on_roll_to}"


@pytest.fixture
async def world():
    ports, relay = memory_intake()  # today is 10 March 2026
    await ports.store.schools.insert_one({"_id": "oak", "trust_id": "severn", "name": "Oak"})
    return ports, relay


async def test_an_import_creates_each_pupil_with_its_events(world):
    ports, relay = world
    summary = await import_roster(ports, ADMIN, "oak", OAKFIELD)

    assert (summary.created, summary.updated, summary.unchanged) == (10, 0, 0)
    assert summary.leavers_published == 1  # OAK-0007 left on 18 July 2025
    assert await outbox_of(ports.store.pupils, "oak/OAK-0007") == [PUPIL_RECORDED, PUPIL_LEFT]
    assert await outbox_of(ports.store.pupils, "oak/OAK-0001") == [PUPIL_RECORDED]
    assert len(relay.enqueued) == 10


async def test_the_same_file_again_changes_and_publishes_nothing(world):
    ports, relay = world
    await import_roster(ports, ADMIN, "oak", OAKFIELD)
    again = await import_roster(ports, ADMIN, "oak", OAKFIELD)

    assert (again.created, again.updated, again.unchanged, again.leavers_published) == (0, 0, 10, 0)
    assert len(relay.enqueued) == 10


async def test_a_changed_pupil_is_rewritten_and_published_under_its_lock(world):
    ports, relay = world
    await import_roster(ports, ADMIN, "oak", roster(ada()))
    changed = await import_roster(ports, ADMIN, "oak", roster(ada().replace("Moss", "Moss-Hart")))

    assert changed.updated == 1
    stored = await ports.store.pupils.find_one({"_id": "oak/OAK-0201"})
    assert (stored["surname_key"], stored["version"]) == ("mosshart", 2)
    assert await outbox_of(ports.store.pupils, "oak/OAK-0201") == [PUPIL_RECORDED] * 2
    assert relay.enqueued == [("pupils", "oak/OAK-0201")] * 2


async def test_a_pupil_recorded_by_put_is_completed_by_the_roster(world):
    ports, _ = world
    details = PupilDetails(forename="Ada", surname="Moss", date_of_birth="2017-01-01")
    await record_pupil(ports, ADMIN, "oak", "OAK-0201", details)
    summary = await import_roster(ports, ADMIN, "oak", roster(ada()))

    assert summary.updated == 1
    stored = await ports.store.pupils.find_one({"_id": "oak/OAK-0201"})
    assert stored["on_roll_from"] == "2021-09-01"
    # The details the other services hold did not change: nothing more is published.
    assert await outbox_of(ports.store.pupils, "oak/OAK-0201") == [PUPIL_RECORDED]


async def test_a_file_that_is_not_a_roster_is_refused_naming_the_file(world):
    ports, _ = world
    with pytest.raises(Invalid) as refused:
        await import_roster(ports, ADMIN, "oak", b"name,age\nAda,9\n")
    assert refused.value.field == "file"


async def test_only_an_admin_of_the_school_or_its_trust_imports(world):
    ports, _ = world
    for stranger in (person("dsl", school="oak"), person("admin", school="elm", trust="severn")):
        with pytest.raises(NotFound):
            await import_roster(ports, stranger, "oak", OAKFIELD)


class TestDepartures:
    async def test_a_leaving_date_that_comes_due_is_published_once(self, world):
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

    async def test_a_departure_an_import_published_is_not_published_again(self, world):
        ports, _ = world
        await import_roster(ports, ADMIN, "oak", roster(ada(on_roll_to="2026-03-01")))

        assert await publish_departures(ports) == 0
        assert await outbox_of(ports.store.pupils, "oak/OAK-0201") == [PUPIL_RECORDED, PUPIL_LEFT]

    async def test_the_same_departure_has_the_same_event_id_whoever_publishes_it(self, world):
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
