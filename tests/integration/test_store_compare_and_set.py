"""A conditional write is a compare-and-set on the local store, as on MongoDB.

The services write an edited document with the version they read
(`update_one({"_id": id, "version": v}, ...)`) and retry when it no longer matches; the
outbox relay marks events published only if no event was added since it read them; the
read models of pupils and schools take an event's state only if it is newer. All three are
right only if the store applies each statement to a document in one step: FerretDB is built
so (deploy/ferretdb/patches/handler_write_lock.go). Many clients race here, each on its own
connection, so that the store, not the driver, decides the order.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo import AsyncMongoClient, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection

from services.common.store import upsert_if_newer
from tests.support.stack import TestStack

RACERS = 100


@pytest.fixture
async def collection(stack: TestStack) -> AsyncIterator[AsyncCollection[dict[str, Any]]]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        stack.base_env()["HARBOUR_MONGO_URL"], maxPoolSize=RACERS, tz_aware=True
    )
    db = client[f"{stack.db_prefix}compareandset"]
    try:
        yield db["probe"]
    finally:
        await client.drop_database(db.name)
        await client.close()


async def test_one_of_many_conditional_updates_of_one_version_wins(
    collection: AsyncCollection[dict[str, Any]],
) -> None:
    await collection.insert_one({"_id": "doc", "version": 0, "winners": []})

    async def race(n: int) -> int:
        result = await collection.update_one(
            {"_id": "doc", "version": 0},
            {"$inc": {"version": 1}, "$push": {"winners": n}},
        )
        return result.modified_count

    modified = await asyncio.gather(*(race(n) for n in range(RACERS)))
    stored = await collection.find_one({"_id": "doc"})
    assert sum(modified) == 1
    assert stored is not None and stored["version"] == 1 and len(stored["winners"]) == 1


async def test_racing_changes_of_different_fields_are_all_kept(
    collection: AsyncCollection[dict[str, Any]],
) -> None:
    await collection.insert_one({"_id": "doc", "count": 0})

    async def change(n: int) -> None:
        await collection.update_one({"_id": "doc"}, {"$set": {f"f{n}": n}, "$inc": {"count": 1}})

    await asyncio.gather(*(change(n) for n in range(RACERS)))
    stored = await collection.find_one({"_id": "doc"})
    assert stored is not None and stored["count"] == RACERS
    assert all(stored[f"f{n}"] == n for n in range(RACERS))


async def test_a_version_guarded_retry_loop_loses_no_increment(
    collection: AsyncCollection[dict[str, Any]],
) -> None:
    """What the services' edits do: read, change, write if unchanged, else read again."""
    await collection.insert_one({"_id": "doc", "version": 0, "seen": []})

    async def edit(n: int) -> None:
        while True:
            current = await collection.find_one({"_id": "doc"})
            assert current is not None
            written = await collection.update_one(
                {"_id": "doc", "version": current["version"]},
                {"$set": {"seen": [*current["seen"], n]}, "$inc": {"version": 1}},
            )
            if written.modified_count:
                return

    await asyncio.gather(*(edit(n) for n in range(30)))
    stored = await collection.find_one({"_id": "doc"})
    assert stored is not None and sorted(stored["seen"]) == list(range(30))
    assert stored["version"] == 30


async def test_a_read_model_keeps_the_newest_state_whatever_order_events_arrive_in(
    collection: AsyncCollection[dict[str, Any]],
) -> None:
    """services.common.store.upsert_if_newer, as the services keep pupils and schools:
    events about one pupil applied at once, in any order, leave the newest one's state."""
    moments = [datetime(2026, 9, 1, tzinfo=UTC) + timedelta(minutes=n) for n in range(40)]
    shuffled = random.Random(7).sample(moments, len(moments))
    applied = await asyncio.gather(
        *(upsert_if_newer(collection, "pupil", {"name": at.isoformat()}, at) for at in shuffled)
    )
    stored = await collection.find_one({"_id": "pupil"})
    assert stored is not None and stored["as_of"] == moments[-1]
    assert stored["name"] == moments[-1].isoformat()
    assert any(applied) and not all(applied)
    # Older and equal events change nothing; a copy stored without a time is replaced.
    assert not await upsert_if_newer(collection, "pupil", {"name": "old"}, moments[0])
    assert not await upsert_if_newer(collection, "pupil", {"name": "same"}, moments[-1])
    await collection.insert_one({"_id": "legacy", "name": "before as_of"})
    assert await upsert_if_newer(collection, "legacy", {"name": "now"}, moments[0])
    assert (await collection.find_one({"_id": "legacy"}) or {})["name"] == "now"


async def test_a_bulk_update_of_hundreds_of_documents_completes(
    collection: AsyncCollection[dict[str, Any]],
) -> None:
    """Each statement of a bulk update reads and writes its own document. FerretDB as
    released kept every statement's read open until the command returned, and stalled once
    a command had more statements than its 100 pooled connections."""
    await collection.insert_many([{"_id": f"p{n}", "n": 0} for n in range(300)])
    updates = [UpdateOne({"_id": f"p{n}", "n": 0}, {"$set": {"n": n}}) for n in range(300)]
    result = await asyncio.wait_for(collection.bulk_write(updates, ordered=False), timeout=120)
    assert result.matched_count == 300
    stored = {doc["_id"]: doc["n"] async for doc in collection.find({})}
    assert stored == {f"p{n}": n for n in range(300)}
