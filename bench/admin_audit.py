"""How long a page of the admin audit log takes as the log grows, on the store `make up`
runs (FerretDB 1.x scans for any filter but `_id`; MongoDB uses the indexes records
creates). A benchmark, not a test: prints figures for docs/security.md.

    .venv/bin/python -m bench.admin_audit --entries 1000,10000,50000
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import AsyncMongoClient

from services.common.settings import CommonSettings
from services.records.store import RecordsStore

TRUSTS, SCHOOLS_PER_TRUST = 20, 10
ACTIONS = ("rota.replaced", "staff.recorded", "calendar.replaced", "pupil.recorded")


def entry(n: int, start: datetime) -> dict[str, object]:
    trust = n % TRUSTS
    school = (n // TRUSTS) % SCHOOLS_PER_TRUST
    return {
        "_id": str(uuid.uuid4()),
        "at": start + timedelta(minutes=n),
        "producer": "notification",
        "action": ACTIONS[n % len(ACTIONS)],
        "object_id": f"object-{n}",
        "trust_id": f"trust-{trust}",
        "school_id": f"school-{trust}-{school}",
        "user_id": f"admin-{trust}",
        "roles": ["admin"],
        "details": {"tiers": 3, "members": 5},
    }


async def timed(call: Callable[[], Awaitable[Any]], repeats: int = 5) -> float:
    """Median milliseconds of `repeats` calls."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        await call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


async def page_ms(
    store: RecordsStore, scope: Mapping[str, str], before: tuple[datetime, str] | None
) -> float:
    return await timed(lambda: store.admin_entries(scope, before, 50))


async def measure(sizes: list[int]) -> None:
    settings = CommonSettings()
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(
        settings.mongo_url, tz_aware=True
    )
    db = client[f"bench_audit_{uuid.uuid4().hex[:8]}"]
    store = RecordsStore(db)
    await store.ensure_indexes()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    stored = 0
    print("entries  trust page 1  trust page 2  school page 1   (median ms, 50 a page)")
    try:
        for size in sizes:
            while stored < size:
                batch = [entry(n, start) for n in range(stored, min(size, stored + 2000))]
                await store.admin_audit.insert_many(batch)
                stored += len(batch)
            trust = {"trust_id": "trust-3"}
            school = {"school_id": "school-3-4"}
            first = await store.admin_entries(trust, None, 50)
            older = (first[-1]["at"], first[-1]["_id"]) if first else None
            page1 = await page_ms(store, trust, None)
            page2 = await page_ms(store, trust, older)
            school1 = await page_ms(store, school, None)
            print(f"{size:>7}  {page1:>12.1f}  {page2:>12.1f}  {school1:>13.1f}", flush=True)
    finally:
        await client.drop_database(db.name)
        await client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", default="1000,10000,50000")
    args = parser.parse_args()
    asyncio.run(measure([int(n) for n in args.entries.split(",")]))


if __name__ == "__main__":
    main()
