"""Importing a roster: what is stored, what is published, and who may."""

from pathlib import Path

import pytest

from contracts.intake_v1 import ADMIN_ACTION_RECORDED, PUPIL_LEFT, PUPIL_RECORDED, PUPILS_RECORDED
from services.common.errors import Invalid, NotFound
from services.intake.domain.roster import ROSTER_COLUMNS
from services.intake.domain.schools import PupilDetails
from services.intake.usecases.import_roster import import_roster
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


def pupils_published(relay) -> list[tuple[str, str]]:
    return [(name, doc_id) for name, doc_id in relay.enqueued if name == "pupils"]


async def test_an_import_creates_each_pupil_with_its_events(world):
    ports, relay = world
    summary = await import_roster(ports, ADMIN, "oak", OAKFIELD)

    assert (summary.created, summary.updated, summary.unchanged) == (10, 0, 0)
    assert summary.leavers_published == 1  # OAK-0007 left on 18 July 2025
    assert await outbox_of(ports.store.pupils, "oak/OAK-0007") == [PUPIL_RECORDED, PUPIL_LEFT]
    assert await outbox_of(ports.store.pupils, "oak/OAK-0001") == [PUPIL_RECORDED]
    assert len(pupils_published(relay)) == 10
    # The nine whose one event is their record go out as one event; the leaver alone.
    (together,) = relay.together
    assert together.event_type == PUPILS_RECORDED and together.subject.id == "oak"
    named = sorted(pupil.pupil_id for pupil in together.payload.pupils)
    assert named == sorted(f"OAK-{n:04d}" for n in range(1, 11) if n != 7)


async def test_the_same_file_again_changes_and_publishes_nothing(world):
    ports, relay = world
    await import_roster(ports, ADMIN, "oak", OAKFIELD)
    again = await import_roster(ports, ADMIN, "oak", OAKFIELD)

    assert (again.created, again.updated, again.unchanged, again.leavers_published) == (0, 0, 10, 0)
    assert len(pupils_published(relay)) == 10


async def test_a_changed_pupil_is_rewritten_and_published_under_its_lock(world):
    ports, relay = world
    await import_roster(ports, ADMIN, "oak", roster(ada()))
    changed = await import_roster(ports, ADMIN, "oak", roster(ada().replace("Moss", "Moss-Hart")))

    assert changed.updated == 1
    stored = await ports.store.pupils.find_one({"_id": "oak/OAK-0201"})
    assert (stored["surname_key"], stored["version"]) == ("mosshart", 2)
    assert await outbox_of(ports.store.pupils, "oak/OAK-0201") == [PUPIL_RECORDED] * 2
    assert pupils_published(relay) == [("pupils", "oak/OAK-0201")] * 2


async def test_a_pupil_recorded_by_put_is_completed_by_the_roster(world):
    ports, _ = world
    details = PupilDetails(forename="Ada", surname="Moss", date_of_birth="2017-01-01")
    await record_pupil(ports, ADMIN, "oak", "OAK-0201", details)
    summary = await import_roster(ports, ADMIN, "oak", roster(ada()))

    assert summary.updated == 1
    stored = await ports.store.pupils.find_one({"_id": "oak/OAK-0201"})
    assert stored["on_roll_from"] == "2021-09-01"
    # The details the other services hold did not change: nothing more is published.
    assert await outbox_of(ports.store.pupils, "oak/OAK-0201") == [
        PUPIL_RECORDED,  # by hand, with its audit entry
        ADMIN_ACTION_RECORDED,
    ]


async def test_each_upload_is_audited_once_before_any_pupil_is_written(world):
    ports, relay = world
    await import_roster(ports, ADMIN, "oak", OAKFIELD)

    assert relay.enqueued[0][0] == "admin_actions"
    (action,) = [doc async for doc in ports.store.admin_actions.find()]
    assert (action["action"], action["school_id"], action["object_id"]) == (
        "roster.imported",
        "oak",
        "oak",
    )
    assert await outbox_of(ports.store.admin_actions, action["_id"]) == [ADMIN_ACTION_RECORDED]
    (entry,) = action["outbox"]
    assert '"rows":10' in entry["body"] and '"user_id":"admin-1"' in entry["body"]


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
