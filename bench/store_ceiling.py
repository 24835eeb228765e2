"""What the store alone can do in the same run: `insert_one` and `update_one` by `_id`
($set + $push) of concern-sized documents, with the services' connection pool size, from
as many concurrent callers as a busy service has. Nothing of ours is in the path."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

from pymongo import AsyncMongoClient

BODY = "x" * 1400  # about a concern event's size


async def _rate(work: Any, ids: list[str], callers: int) -> float:
    queue = iter(ids)

    async def caller() -> None:
        for doc_id in queue:
            await work(doc_id)

    started = time.perf_counter()
    await asyncio.gather(*(caller() for _ in range(callers)))
    return len(ids) / (time.perf_counter() - started)


async def measure_store_ceiling(
    mongo_url: str, database: str, *, pool: int, documents: int = 4000, callers: int = 32
) -> dict[str, Any]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        mongo_url, tz_aware=True, maxPoolSize=pool
    )
    collection = client[database][f"ceiling_{uuid.uuid4().hex[:6]}"]
    ids = [uuid.uuid4().hex for _ in range(documents)]
    try:
        await collection.find_one({"_id": "warm"})

        async def insert(doc_id: str) -> None:
            await collection.insert_one({"_id": doc_id, "body": BODY, "n": 0, "log": []})

        async def update(doc_id: str) -> None:
            await collection.update_one(
                {"_id": doc_id}, {"$set": {"n": 1}, "$push": {"log": {"at": time.time()}}}
            )

        async def find(doc_id: str) -> None:
            await collection.find_one({"_id": doc_id})

        inserts = await _rate(insert, ids, callers)
        updates = await _rate(update, ids, callers)
        finds = await _rate(find, ids, callers)
        return {
            "pool": pool,
            "callers": callers,
            "insert_one_per_second": round(inserts),
            "update_one_per_second": round(updates),
            "find_one_per_second": round(finds),
        }
    finally:
        # The database, not only the collection: on the local store each is a file that
        # stays when it is empty.
        await client.drop_database(database)
        await client.close()
