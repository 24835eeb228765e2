"""Concerns posted to intake at a fixed rate, and how long each took to reach the alert,
the chronology entry and the deadline, from the timestamps the services stored."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
from pymongo import AsyncMongoClient

from bench.stats import summary_ms
from services.records.domain.child_file import chain_id
from services.records.store_chain_claims import key_id

# Effects looked up per query while waiting for them.
LOOKUP_CHUNK = 500
# Concerns posted at once at most (the client's connection pool holds 200).
IN_FLIGHT = 100

EFFECTS = {
    "alert": ("notification", "alerts", "created_at"),
    # The key that makes the entry's append idempotent, stored with the entry.
    "chronology": ("records", "file_keys", "at"),
    "deadline": ("case", "deadlines", "created_at"),
}


@dataclass
class Posted:
    accepted: dict[str, datetime] = field(default_factory=dict)  # concern_id → received_at
    # Answers other than 202, by status code, or by error when none came (e.g. ReadTimeout).
    refused: Counter[str] = field(default_factory=Counter)
    first_post: float = 0.0
    last_post: float = 0.0


def concern(school_id: str, pupil_id: str) -> dict[str, Any]:
    return {
        "school_id": school_id,
        "pupil_id": pupil_id,
        "occurred_at": "2026-03-10T09:15:00+00:00",
        "categories": ["emotional", "online"],
        "description": "Benchmark concern: withdrawn in class, mentions messages at night. " * 8,
        "child_words": "They keep messaging me and I don't want to go home.",
        "actions_taken": "Listened, reassured, told the DSL in person.",
        "immediate_danger": False,
        "fgm_discovered": False,
    }


async def post_at_rate(
    intake: httpx.AsyncClient,
    headers: dict[str, str],
    school_id: str,
    pupils: list[str],
    *,
    rate: float,
    seconds: float,
) -> Posted:
    posted = Posted()
    total = int(rate * seconds)
    # Requests past this many wait here, not in httpx's pool: its queue of waiting requests
    # costs more to manage the longer it grows, and past the sustained rate that made the
    # load generator, not the services, the limit (its CPU per concern rose eightfold).
    in_flight = asyncio.Semaphore(IN_FLIGHT)

    async def one(i: int) -> None:
        try:
            async with in_flight:
                response = await intake.post(
                    "/v1/concerns",
                    json=concern(school_id, pupils[i % len(pupils)]),
                    headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
                )
        except httpx.HTTPError as exc:
            posted.refused[type(exc).__name__] += 1
            return
        if response.status_code == 202:
            body = response.json()
            posted.accepted[body["concern_id"]] = datetime.fromisoformat(body["received_at"])
        else:
            posted.refused[str(response.status_code)] += 1

    tasks = []
    posted.first_post = time.time()
    start = time.perf_counter()
    for i in range(total):
        # A fixed schedule: a slow answer does not slow the offered rate down.
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i)))
    await asyncio.gather(*tasks)
    posted.last_post = time.time()
    return posted


def effect_ids(event_id: str, school_id: str, pupil_id: str) -> dict[str, str]:
    """Each effect's `_id` is derived from the concern's event id (idempotent consumers)."""
    return {
        "alert": event_id,
        "chronology": key_id(chain_id(school_id, pupil_id), event_id),
        "deadline": f"dsl-triage:{event_id}",
    }


Lookup = tuple[str, str, str, str]  # service, collection, timestamp field, _id


async def wait_for_stored(
    mongo: AsyncMongoClient[Any], db_prefix: str, wanted: dict[str, list[Lookup]], timeout: float
) -> dict[str, dict[str, datetime]]:
    """Look each effect up by `_id` until all are stored, and keep the time the service
    stored it. Lookups by `_id` only, LOOKUP_CHUNK ids per query (an index lookup on MongoDB
    and on the local FerretDB build): scanning, or a query per effect, would load the store
    the services share and slow what is being measured."""
    pending = {(effect, lookup) for effect, lookups in wanted.items() for lookup in lookups}
    times: dict[str, dict[str, datetime]] = {effect: {} for effect in wanted}
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        groups: dict[tuple[str, str, str], dict[str, str]] = {}
        for effect, (service, collection, stamp, doc_id) in pending:
            groups.setdefault((service, collection, stamp), {})[doc_id] = effect
        for (service, collection, stamp), effect_of in groups.items():
            ids = sorted(effect_of)
            for start in range(0, len(ids), LOOKUP_CHUNK):
                cursor = mongo[f"{db_prefix}{service}"][collection].find(
                    {"_id": {"$in": ids[start : start + LOOKUP_CHUNK]}}, projection={stamp: 1}
                )
                async for found in cursor:
                    doc_id = found["_id"]
                    times[effect_of[doc_id]][doc_id] = found[stamp]
                    pending.discard((effect_of[doc_id], (service, collection, stamp, doc_id)))
        if pending:
            await asyncio.sleep(0.5)
    if pending:
        missing = sorted({effect for effect, _ in pending})
        print(f"  gave up waiting: {len(pending)} effects missing ({', '.join(missing)})")
    return times


async def wait_for_effects(
    mongo: AsyncMongoClient[Any], db_prefix: str, concern_ids: list[str], timeout: float
) -> dict[str, dict[str, datetime]]:
    """Times each concern's three effects were stored, keyed by effect then concern id."""
    intake = mongo[f"{db_prefix}intake"]["concerns"]
    by_effect_id: dict[str, str] = {}
    wanted: dict[str, list[Lookup]] = {effect: [] for effect in EFFECTS}
    for concern_id in concern_ids:
        concern = await intake.find_one({"_id": concern_id})
        event_id = concern["outbox"][0]["event_id"]
        ids = effect_ids(event_id, concern["school_id"], concern["pupil_id"])
        for effect, effect_id in ids.items():
            service, collection, stamp = EFFECTS[effect]
            wanted[effect].append((service, collection, stamp, effect_id))
            by_effect_id[effect_id + effect] = concern_id
    times = await wait_for_stored(mongo, db_prefix, wanted, timeout)
    return {
        effect: {by_effect_id[i + effect]: t for i, t in found.items()}
        for effect, found in times.items()
    }


def latencies(posted: Posted, times: dict[str, dict[str, datetime]]) -> dict[str, Any]:
    per_effect: dict[str, list[float]] = {effect: [] for effect in EFFECTS}
    all_three: list[float] = []
    for concern_id, received in posted.accepted.items():
        stamps = [times[effect].get(concern_id) for effect in EFFECTS]
        for effect, stamp in zip(EFFECTS, stamps, strict=True):
            if stamp is not None:
                per_effect[effect].append((stamp - received).total_seconds())
        if all(s is not None for s in stamps):
            all_three.append(max((s - received).total_seconds() for s in stamps if s))
    result = {effect: summary_ms(values) for effect, values in per_effect.items()}
    result["all_three"] = summary_ms(all_three)
    result["complete"] = len(all_three)
    return result


def completion_rate(posted: Posted, times: dict[str, dict[str, datetime]]) -> float:
    """Concerns fully fanned out per second, from the first post to the last effect stored."""
    done = [
        max(times[e][c] for e in EFFECTS)
        for c in posted.accepted
        if all(c in times[e] for e in EFFECTS)
    ]
    if not done:
        return 0.0
    span = max(d.timestamp() for d in done) - posted.first_post
    return len(done) / span if span > 0 else 0.0
