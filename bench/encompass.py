"""The Operation Encompass morning burst: a 5,000-row police batch against a roster of
50,000 pupils in 20 schools of one trust, timed until every matched child has its alert,
chronology entry and deadline (from the timestamps the services stored)."""

from __future__ import annotations

import asyncio
import random
import secrets
import time
from datetime import datetime
from typing import Any

import aio_pika
import httpx
from pymongo import AsyncMongoClient

from bench.fanout import LOOKUP_CHUNK, wait_for_stored
from services.intake.domain.encompass_batch import BATCH_COLUMNS
from services.intake.domain.roster import ROSTER_COLUMNS
from services.intake.domain.signatures import sign
from services.records.domain.child_file import chain_id
from services.records.store_chain_claims import key_id

SCHOOLS = 20
PUPILS_PER_SCHOOL = 2_500
ROWS = 5_000
ROSTER_HEADER = ",".join(ROSTER_COLUMNS)
BATCH_HEADER = ",".join(BATCH_COLUMNS)
FORENAMES = ["Amelia", "Oliver", "Isla", "George", "Ava", "Noah", "Mia", "Leo", "Zoë", "Arthur"]
SURNAMES = [f"Surname{i}" for i in range(4_000)] + ["O'Brien", "Smith-Jones", "Ní Bhriain"]


async def morning_burst(
    intake: httpx.AsyncClient,
    headers: dict[str, str],
    trust: str,
    mongo: AsyncMongoClient[Any],
    prefix: str,
    rabbit_url: str,
) -> dict[str, Any]:
    """`headers` authorise a trust-wide admin of `trust`."""
    rnd = random.Random(2026)
    pupils = []
    started = time.perf_counter()
    for s in range(SCHOOLS):
        school = f"school-{s:02d}"
        response = await intake.put(
            f"/v1/schools/{school}",
            json={"name": f"School {s}", "trust_id": trust, "urn": f"{140000 + s}"},
            headers=headers,
        )
        response.raise_for_status()
        rows = []
        for p in range(PUPILS_PER_SCHOOL):
            forename, surname = rnd.choice(FORENAMES), rnd.choice(SURNAMES)
            born = f"20{rnd.randint(10, 19)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
            pupil_id = f"P{s:02d}{p:05d}"
            rows.append(f"{pupil_id},,{forename},{_csv(surname)},,{born},,2021-09-01,")
            pupils.append((s, forename, surname, born))
        roster = ("\n".join([ROSTER_HEADER, *rows]) + "\n").encode()
        response = await intake.post(
            f"/v1/schools/{school}/roster",
            content=roster,
            headers={**headers, "Content-Type": "text/csv"},
        )
        response.raise_for_status()
    roster_seconds = time.perf_counter() - started
    # Rosters are imported ahead of the morning: let their events settle first.
    await _settle(mongo, prefix, rabbit_url)
    settled_seconds = time.perf_counter() - started

    secret = secrets.token_urlsafe(32)
    response = await intake.put(
        "/v1/encompass/senders/bench-force",
        json={"name": "Bench Constabulary", "secret": secret, "trust_ids": [trust]},
        headers=headers,
    )
    response.raise_for_status()
    rows = []
    for n, (s, forename, surname, born) in enumerate(rnd.sample(pupils, ROWS)):
        if n % 20 == 0:
            forename = "Unknown"  # some children police cannot place: they must stay unmatched
        rows.append(
            f"BX/{n}/26,Bench Constabulary,2026-03-11T21:10:00+00:00,2026-03-12T06:40:00+00:00,"
            f"{forename},{_csv(surname)},{born},,{140000 + s},School {s},yes,,"
            "Argument between adults at the home address.,Words of advice given."
        )
    batch = ("\n".join([BATCH_HEADER, *rows]) + "\n").encode()
    timestamp = int(time.time())
    posted_at = time.time()
    response = await intake.post(
        "/v1/encompass/batches",
        content=batch,
        headers={
            "Content-Type": "text/csv",
            "X-Harbour-Sender": "bench-force",
            "X-Harbour-Timestamp": str(timestamp),
            "X-Harbour-Signature": sign(secret.encode(), timestamp, batch),
        },
    )
    response.raise_for_status()
    answered_at = time.time()
    outcome = response.json()
    matched = [r["notification_id"] for r in outcome["rows"] if r["outcome"] == "matched"]
    notified = await _notified_events(mongo, prefix, matched)
    event_ids = [event_id for event_id, _ in notified]
    times = await wait_for_stored(
        mongo,
        prefix,
        {
            "alert": [("notification", "alerts", "created_at", e) for e in event_ids],
            "chronology": [("records", "file_keys", "at", key) for _, key in notified],
            "deadline": [
                ("case", "deadlines", "created_at", f"encompass-before-school:{e}")
                for e in event_ids
            ],
        },
        timeout=1800,
    )
    last: datetime = max(t for per_effect in times.values() for t in per_effect.values())
    return {
        "pupils": SCHOOLS * PUPILS_PER_SCHOOL,
        "schools": SCHOOLS,
        "rows": ROWS,
        "summary": outcome["summary"],
        "roster_import_seconds": round(roster_seconds, 1),
        "roster_events_settled_seconds": round(settled_seconds, 1),
        "batch_answered_seconds": round(answered_at - posted_at, 1),
        "seconds_to_all_effects": round(last.timestamp() - posted_at, 1),
        "effects_found": {effect: len(found) for effect, found in times.items()},
    }


async def _notified_events(
    mongo: AsyncMongoClient[Any], prefix: str, notification_ids: list[str]
) -> list[tuple[str, str]]:
    """Each matched child's event id, and the key of its chronology entry in records."""
    notifications = mongo[f"{prefix}intake"]["encompass_notifications"]
    event_ids = []
    for start in range(0, len(notification_ids), LOOKUP_CHUNK):
        chunk = notification_ids[start : start + LOOKUP_CHUNK]
        async for stored in notifications.find({"_id": {"$in": chunk}}):
            notified = [
                e for e in stored["outbox"] if e["event_type"] == "intake.encompass.notified.v1"
            ]
            event_id = notified[0]["event_id"]
            chain = chain_id(stored["school_id"], stored["pupil_id"])
            event_ids.append((event_id, key_id(chain, event_id)))
    return event_ids


async def _settle(mongo: AsyncMongoClient[Any], prefix: str, rabbit_url: str) -> None:
    """Until intake has published every roster event and case and records have stored
    every pupil (a message taken but not yet handled counts as not settled)."""
    pupils = mongo[f"{prefix}intake"]["pupils"]
    stored_by = [mongo[f"{prefix}{service}"]["children"] for service in ("case", "records")]
    connection = await aio_pika.connect(rabbit_url)
    try:
        channel = await connection.channel()
        while True:
            unpublished = await pupils.count_documents({"outbox_pending": True})
            waiting = 0
            for name in ("records.directory", "case.directory"):
                queue = await channel.declare_queue(name, passive=True)
                waiting += queue.declaration_result.message_count or 0
            if unpublished == 0 and waiting == 0:
                expected = await pupils.count_documents({})
                counts = [await children.count_documents({}) for children in stored_by]
                if all(count >= expected for count in counts):
                    return
            await asyncio.sleep(1)
    finally:
        await connection.close()


def _csv(value: str) -> str:
    return f'"{value}"' if "," in value or '"' in value else value
