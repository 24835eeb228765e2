"""How long a page of the admin audit log takes as the log grows, on the store `make up`
runs (services/records/store_admin_log.py: a page is reads by `_id` only, which FerretDB
1.x answers from its index). A benchmark, not a test: prints figures for
docs/security.md.

    .venv/bin/python -m bench.admin_audit --entries 1000,10000,50000
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import AsyncMongoClient

from contracts import notification_v1
from contracts.admin_actions import AdminAction
from contracts.vocabulary import Role
from services.common.admin_audit import admin_action_recorded
from services.common.auth import Principal
from services.common.clock import SystemClock
from services.common.settings import CommonSettings
from services.records.domain.admin_audit import logs_of
from services.records.ports import RecordsPorts
from services.records.store import RecordsStore
from services.records.usecases.admin_audit import record_admin_action

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


async def timed(call: Callable[[], Awaitable[Any]], repeats: int = 9) -> float:
    """Median milliseconds of `repeats` calls."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        await call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


async def fill(
    store: RecordsStore, start: datetime, first: int, last: int, counts: dict[str, int]
) -> None:
    """Entries first..last-1, stored as record_admin_action stores them (the entry, then
    its place in its trust's and school's lists), in bulk."""
    entries, slots = [], []
    for n in range(first, last):
        item = entry(n, start)
        entries.append({**item, "listed": logs_of(item)})
        for log in logs_of(item):
            counts[log] = counts.get(log, 0) + 1
            slots.append({"_id": f"{log}#{counts[log]}", "entry": item})
    await store.admin_audit.insert_many(entries)
    await store.admin_log.insert_many(slots)
    for log, last_n in counts.items():
        await store.admin_log_heads.update_one(
            {"_id": log}, {"$max": {"last": last_n}}, upsert=True
        )


async def page_ms(store: RecordsStore, log: str, before: int | None) -> float:
    return await timed(lambda: store.admin_log_page(log, before, 50))


async def measure(sizes: list[int]) -> None:
    settings = CommonSettings()
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(
        settings.mongo_url, tz_aware=True
    )
    db = client[f"bench_audit_{uuid.uuid4().hex[:8]}"]
    store = RecordsStore(db)
    ports = RecordsPorts(store, SystemClock())
    await store.ensure_indexes()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    counts: dict[str, int] = {}
    stored = 0
    print("entries  trust page 1  trust mid-log  school page 1  one action kept   (median ms)")
    try:
        for size in sizes:
            while stored < size:
                upto = min(size, stored + 2000)
                await fill(store, start, stored, upto, counts)
                stored = upto
            trust, school = "trust:trust-3", "school:school-3-4"
            middle = max(2, counts[trust] // 2)
            await page_ms(store, trust, None)  # the store settles after the bulk insert
            page1 = await page_ms(store, trust, None)
            page_mid = await page_ms(store, trust, middle)
            school1 = await page_ms(store, school, None)
            # In lists of their own, so that the bulk-filled ones keep their numbering.
            keep = await timed(lambda: record_admin_action(ports, _event()))
            print(
                f"{size:>7}  {page1:>12.1f}  {page_mid:>13.1f}  {school1:>13.1f}  {keep:>15.1f}",
                flush=True,
            )
    finally:
        await client.drop_database(db.name)
        await client.close()


def _event() -> Any:
    principal = Principal("admin-k", frozenset({Role.ADMIN}), "school-k", "trust-k")
    return admin_action_recorded(
        notification_v1.ADMIN_ACTION_RECORDED,
        principal,
        AdminAction.ROTA_REPLACED,
        object_id="school-k",
        trust_id="trust-k",
        school_id="school-k",
        at=datetime.now(UTC),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", default="1000,10000,50000")
    args = parser.parse_args()
    asyncio.run(measure([int(n) for n in args.entries.split(",")]))


if __name__ == "__main__":
    main()
