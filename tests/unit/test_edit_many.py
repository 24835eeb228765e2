"""Editing many documents guarded by version in one read and one bulk write: what the
edits change is written with its events; a document another process wrote since the read
makes the whole edit a conflict, with every other document written and its events handed
to the relay; the redo finds those done."""

import asyncio

import pytest

from services.common.errors import Busy, EditConflict
from tests.support.memory import memory_db, memory_writer


@pytest.fixture
def world():
    db = memory_db()
    writer, relay = memory_writer(db)
    writer.guard_by_version(db["cases"])
    return db["cases"], writer, relay


def visit(edits, visitor: str) -> None:
    """Each document records the visitor once (as a use case's idempotent edit would)."""
    for edit in edits.values():
        state = edit.document if edit.changed else edit.current
        if state is None:
            edit.create({"visitors": [visitor]})
        elif visitor not in state["visitors"]:
            edit.set({"visitors": [*state["visitors"], visitor]})


async def test_new_and_stored_documents_are_written_in_one_go(world):
    cases, writer, relay = world
    await cases.insert_one({"_id": "oak/P1", "visitors": ["police"], "version": 3})

    async with writer.edit_many(cases, ["oak/P1", "oak/P2"]) as edits:
        visit(edits, "dsl")

    assert await cases.find_one({"_id": "oak/P1"}, {"outbox": 0}) == {
        "_id": "oak/P1",
        "visitors": ["police", "dsl"],
        "version": 4,
    }
    assert (await cases.find_one({"_id": "oak/P2"}))["visitors"] == ["dsl"]
    assert relay.enqueued == []  # no events, nothing to publish


async def test_a_document_written_meanwhile_is_a_conflict_and_the_redo_completes(world):
    cases, writer, _ = world
    await cases.insert_many([{"_id": f"oak/P{n}", "visitors": [], "version": 1} for n in (1, 2, 3)])

    with pytest.raises(EditConflict):
        async with writer.edit_many(cases, ["oak/P1", "oak/P2", "oak/P3"]) as edits:
            visit(edits, "dsl")
            # Another replica's edit of P2 lands between our read and our write.
            await cases.update_one(
                {"_id": "oak/P2"}, {"$set": {"visitors": ["head"]}, "$inc": {"version": 1}}
            )
    assert [d["visitors"] async for d in cases.find({}, sort=[("_id", 1)])] == [
        ["dsl"],
        ["head"],
        ["dsl"],
    ]

    async with writer.edit_many(cases, ["oak/P1", "oak/P2", "oak/P3"]) as edits:
        visit(edits, "dsl")

    assert [d["visitors"] async for d in cases.find({}, sort=[("_id", 1)])] == [
        ["dsl"],
        ["head", "dsl"],
        ["dsl"],
    ]


async def test_a_document_held_by_another_edit_here_makes_it_busy_to_be_tried_again(world):
    """Busy, as `edit` is: a consumer retries it in the handler. It escaped as the lock's own
    error, which a consumer redelivers at once: a police batch racing concerns about the same
    children spent its deliveries that way and was dead-lettered (make chaos, 95 deadlines)."""
    cases, writer, _ = world
    inside, finish = asyncio.Event(), asyncio.Event()

    async def concern_about_p2() -> None:
        async with writer.edit(cases, "oak/P2") as edit:
            inside.set()
            await finish.wait()
            edit.create({"visitors": ["dsl"]})

    concern = asyncio.create_task(concern_about_p2())
    await inside.wait()
    with pytest.raises(Busy) as raised:
        async with writer.edit_many(cases, ["oak/P1", "oak/P2"], wait_seconds=0) as edits:
            visit(edits, "police")
    assert raised.type is Busy
    assert await cases.find_one({"_id": "oak/P1"}) is None  # nothing half-written
    finish.set()
    await concern

    async with writer.edit_many(cases, ["oak/P1", "oak/P2"]) as edits:
        visit(edits, "police")

    assert [d["visitors"] async for d in cases.find({}, sort=[("_id", 1)])] == [
        ["police"],
        ["dsl", "police"],
    ]


async def test_only_collections_guarded_by_version(world):
    cases, writer, _ = world
    with pytest.raises(RuntimeError, match="not guarded by version"):
        async with writer.edit_many(cases.database["alerts"], ["a1"]):
            pass
