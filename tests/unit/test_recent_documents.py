"""A version-guarded document this process wrote is edited next from its copy, without
reading it back; a write by another process since (its version moved on) makes the edit a
conflict, and the redo works from the stored document."""

from datetime import UTC, datetime

import pytest

from services.common.errors import EditConflict
from tests.support.memory import memory_db, memory_writer


class CountingReads:
    """The collection, counting the reads of whole documents the writer makes."""

    def __init__(self, collection) -> None:
        self._collection = collection
        self.reads = 0

    def __getattr__(self, name):
        return getattr(self._collection, name)

    async def find_one(self, *args, **kwargs):
        if kwargs.get("projection") != {"version": 1}:
            self.reads += 1
        return await self._collection.find_one(*args, **kwargs)


@pytest.fixture
def world():
    db = memory_db()
    writer, _ = memory_writer(db)
    cases = CountingReads(db["cases"])
    writer.guard_by_version(cases)
    return cases, writer


async def add(writer, cases, visitor: str) -> None:
    async with writer.edit(cases, "oak/P1") as case:
        if case.current is None:
            case.create({"visitors": [visitor], "at": datetime(2026, 3, 10, 9, 15, 0, 123456, UTC)})
        elif visitor not in case.current["visitors"]:
            case.set({"visitors": [*case.current["visitors"], visitor]})


async def test_the_next_edit_starts_from_what_this_process_wrote(world):
    cases, writer = world
    for visitor in ("dsl", "head", "police"):
        await add(writer, cases, visitor)

    assert cases.reads == 1  # only the first edit, which found nothing, read the store
    stored = await cases.find_one({"_id": "oak/P1"}, projection={"outbox": 0})
    assert stored["visitors"] == ["dsl", "head", "police"] and stored["version"] == 3


async def test_the_copy_has_the_types_a_read_would_give(world):
    cases, writer = world
    await add(writer, cases, "dsl")

    async with writer.edit(cases, "oak/P1") as case:
        assert case.current["at"] == datetime(2026, 3, 10, 9, 15, 0, 123000, UTC)  # BSON: ms


async def test_a_write_by_another_process_makes_the_edit_a_conflict_and_the_redo_reads(world):
    cases, writer = world
    await add(writer, cases, "dsl")
    # Another replica adds its visitor: the version moves on.
    await cases.update_one(
        {"_id": "oak/P1"}, {"$push": {"visitors": "lado"}, "$inc": {"version": 1}}
    )

    with pytest.raises(EditConflict):
        await add(writer, cases, "head")
    await add(writer, cases, "head")  # the redo

    stored = await cases.find_one({"_id": "oak/P1"})
    assert stored["visitors"] == ["dsl", "lado", "head"]


async def test_an_edit_that_changes_nothing_on_an_old_copy_is_a_conflict_too(world):
    cases, writer = world
    await add(writer, cases, "dsl")
    await cases.update_one({"_id": "oak/P1"}, {"$set": {"visitors": []}, "$inc": {"version": 1}})

    with pytest.raises(EditConflict):
        await add(writer, cases, "dsl")  # the copy says "dsl" is there: nothing to write
    await add(writer, cases, "dsl")

    assert (await cases.find_one({"_id": "oak/P1"}))["visitors"] == ["dsl"]


async def test_an_edit_of_a_nested_field_is_read_back_next_time(world):
    cases, writer = world
    await add(writer, cases, "dsl")
    async with writer.edit(cases, "oak/P1") as case:
        case.set({"status.open": True})
    reads = cases.reads

    await add(writer, cases, "head")

    assert cases.reads == reads + 1
    assert (await cases.find_one({"_id": "oak/P1"}))["status"] == {"open": True}
