"""After the run, from the stores and the captured answers: every accepted concern and every
matched police notification has exactly one alert, one chronology entry and one deadline;
the dead-letter queues hold the poison and nothing else; no deadline phase was decided
twice; and how long after each restart everything accepted until then was done."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import aio_pika
import httpx
from prometheus_client.parser import text_string_to_metric_families
from pymongo import AsyncMongoClient

from bench.chaos.faults import Fault
from contracts import topology
from contracts.case_v1 import DEADLINE_APPROACHING, DEADLINE_BREACHED, DEADLINE_MET
from contracts.intake_v1 import CONCERN_RAISED, ENCOMPASS_NOTIFIED
from services.records.domain.child_file import chain_id
from services.records.store_chain_claims import key_id

PHASES = (DEADLINE_APPROACHING, DEADLINE_BREACHED, DEADLINE_MET)
CAPTURE_QUEUE = "chaos.deadline-phases"

# effect → (service, collection, the field the service stamped when it stored it). A
# chronology entry is found by its key in the child's file (one per event appended).
EFFECTS = {
    "alert": ("notification", "alerts", "created_at"),
    "chronology": ("records", "file_keys", "at"),
    "deadline": ("case", "deadlines", "created_at"),
}
# intake's collections of what was accepted, and the event each one's entry is keyed by.
SOURCES = {"concerns": CONCERN_RAISED, "encompass_notifications": ENCOMPASS_NOTIFIED}


class Stores:
    def __init__(self, url: str, prefix: str, entry_keys: Mapping[str, str] | None = None) -> None:
        """`entry_keys`: the chronology entry key → source id of events published with no
        document in intake (the clock probes)."""
        self.client: AsyncMongoClient[Any] = AsyncMongoClient(url, tz_aware=True)
        self.prefix = prefix
        self.published_keys = dict(entry_keys or {})

    def collection(self, service: str, name: str) -> Any:
        return self.client[f"{self.prefix}{service}"][name]

    async def effects(self) -> dict[str, dict[str, list[datetime]]]:
        """effect → source id → when each copy was stored (a scan: the store is ours)."""
        found: dict[str, dict[str, list[datetime]]] = {e: defaultdict(list) for e in EFFECTS}
        for effect in ("alert", "deadline"):
            service, name, stamp = EFFECTS[effect]
            cursor = self.collection(service, name).find(
                {}, projection={"source_id": 1, stamp: 1, "rule": 1, "source_type": 1}
            )
            async for document in cursor:
                if effect == "deadline" and document.get("rule") == "file-transfer":
                    continue
                found[effect][document["source_id"]].append(document[stamp])
        sources = await self._entry_keys()
        service, name, stamp = EFFECTS["chronology"]
        async for key in self.collection(service, name).find({}, projection={stamp: 1}):
            if key["_id"] in sources:
                found["chronology"][sources[key["_id"]]].append(key[stamp])
        return found

    async def _entry_keys(self) -> dict[str, str]:
        """The key of each accepted concern's and matched child's chronology entry (its
        child's chain and its event), to the concern or notice it comes from."""
        keys = dict(self.published_keys)
        for name, event_type in SOURCES.items():
            cursor = self.collection("intake", name).find(
                {}, projection={"school_id": 1, "pupil_id": 1, "outbox": 1}
            )
            async for source in cursor:
                if not source.get("pupil_id"):
                    continue  # a child on no roll has no file
                chain = chain_id(source["school_id"], source["pupil_id"])
                for event in source.get("outbox", []):
                    if event["event_type"] == event_type:
                        keys[key_id(chain, event["event_id"])] = source["_id"]
        return keys

    async def entries_beyond_keys(self) -> int:
        """Entries in the children's files beyond one per key. Every entry is appended
        under a key that is stored once, so an event appended twice shows only here."""
        keys: Counter[str] = Counter()
        async for key in self.collection("records", "file_keys").find({}, projection={"_id": 1}):
            keys[key["_id"].rpartition("#")[0]] += 1
        entries: Counter[str] = Counter()
        cursor = self.collection("records", "file_pages").find(
            {}, projection={"chain": 1, "entries": 1}
        )
        async for page in cursor:
            entries[page["chain"]] += len(page["entries"])
        return sum(max(0, n - keys[chain]) for chain, n in entries.items())

    async def matched_notices(self, ids: Iterable[str]) -> set[str]:
        wanted = set(ids)
        cursor = self.collection("intake", "encompass_notifications").find(
            {}, projection={"state": 1}
        )
        return {n["_id"] async for n in cursor if n["_id"] in wanted and n["state"] == "matched"}

    async def deadline_outboxes(self) -> Counter[str]:
        """How many deadlines carry a phase event more than once in their outbox."""
        doubled: Counter[str] = Counter()
        cursor = self.collection("case", "deadlines").find({}, projection={"outbox": 1})
        async for deadline in cursor:
            phases = Counter(e["event_type"] for e in deadline.get("outbox", []))
            doubled.update(p for p, n in phases.items() if n > 1)
        return doubled

    async def operations_alerts(self) -> list[dict[str, Any]]:
        cursor = self.collection("notification", "operations_alerts").find(
            {}, projection={"message_id": 1, "queue": 1, "reason": 1}
        )
        return [a async for a in cursor]

    async def close(self) -> None:
        await self.client.close()


async def wait_until_complete(
    stores: Stores, items: dict[str, set[str]], timeout: float
) -> tuple[dict[str, dict[str, list[datetime]]], float]:
    """Until every item (kind → source ids) has all three effects: a scan of the three
    collections, again every 30 s while something is missing (call it once quiet)."""
    started = time.monotonic()
    while True:
        found = await stores.effects()
        missing = sum(
            1
            for ids in items.values()
            for source in ids
            for effect in EFFECTS
            if source not in found[effect]
        )
        waited = time.monotonic() - started
        if missing == 0 or waited > timeout:
            return found, waited
        print(f"  settling: {missing} effects still to come ({waited:.0f} s)", flush=True)
        await asyncio.sleep(30)


def entry_keys(school_id: str, pupil_id: str, events: Mapping[str, str]) -> dict[str, str]:
    """The chronology entry key of each event about one child (source id → event id), to
    its source id."""
    chain = chain_id(school_id, pupil_id)
    return {key_id(chain, event_id): source for source, event_id in events.items()}


def count_effects(
    ids: set[str], found: dict[str, dict[str, list[datetime]]]
) -> dict[str, dict[str, int]]:
    result = {}
    for effect in EFFECTS:
        copies = [len(found[effect].get(source, [])) for source in ids]
        result[effect] = {
            "found": sum(1 for n in copies if n >= 1),
            "lost": sum(1 for n in copies if n == 0),
            "duplicated": sum(1 for n in copies if n > 1),
        }
    return result


def drain_seconds(
    faults: list[Fault],
    accepted: dict[str, datetime],
    found: dict[str, dict[str, list[datetime]]],
) -> dict[str, dict[str, Any]]:
    """For each fault: from its restart until every effect of what had been accepted by
    then was stored (0 when it was all stored before the restart), and the effect that
    came last."""
    last_effect: dict[str, tuple[datetime, str]] = {}
    for source in accepted:
        stored = [(min(found[e][source]), e) for e in EFFECTS if source in found[e]]
        if stored:
            last_effect[source] = max(stored)
    drains: dict[str, dict[str, Any]] = {}
    for fault in faults:
        restart = fault.restarted_at
        if restart is None:
            drains[fault.name] = {"seconds": None}
            continue
        done = [
            (*last_effect[s], s) for s, at in accepted.items() if at <= restart and s in last_effect
        ]
        if not done:
            drains[fault.name] = {"seconds": 0.0}
            continue
        stored_at, effect, source = max(done)
        drains[fault.name] = {
            "seconds": round(max(0.0, (stored_at - restart).total_seconds()), 1),
            "last_effect": effect,
            "last_source_id": source,
            "last_accepted_at": accepted[source].isoformat(),
        }
    return drains


async def wait_for_breaches(stores: Stores, probes: dict[str, str], timeout: float) -> float:
    """Until every clock probe's deadline has breached and its events left the outbox
    (`probes`: concern id → event id; the deadline's id follows from the event's)."""
    started = time.monotonic()
    deadlines = stores.collection("case", "deadlines")
    waiting = set(probes.values())
    while waiting and time.monotonic() - started < timeout:
        for event_id in list(waiting):
            found = await deadlines.find_one(
                {"_id": f"dsl-triage:{event_id}"}, projection={"status": 1, "outbox_pending": 1}
            )
            if found and found["status"] == "breached" and not found.get("outbox_pending"):
                waiting.discard(event_id)
        if waiting:
            await asyncio.sleep(5)
    return time.monotonic() - started


async def wait_until_quiet(broker_url: str, service_urls: list[str], timeout: float) -> float:
    """Until the consumer queues are empty, no relay holds an unpublished event and no
    handler has taken a message since the last look. Cheap on purpose (the broker's queue
    counts and the services' /metrics): scanning the store while the services catch up
    slowed them down (measured: case's handlers went from 0.2 s to minutes)."""
    started, previous = time.monotonic(), None
    connection = await aio_pika.connect(broker_url)
    try:
        channel = await connection.channel()
        while time.monotonic() - started < timeout:
            ready = 0
            for spec in topology.QUEUES:
                queue = await channel.declare_queue(spec.name, passive=True)
                ready += queue.declaration_result.message_count or 0
            consumed, pending = await _progress(service_urls)
            if ready == 0 and pending == 0 and consumed == previous:
                break
            if previous is not None:
                print(
                    f"  catching up: {ready} messages queued, {pending} events to publish,"
                    f" {consumed - previous:.0f} handled in the last 10 s",
                    flush=True,
                )
            previous = consumed
            await asyncio.sleep(10)
    finally:
        await connection.close()
    return time.monotonic() - started


async def _progress(service_urls: list[str]) -> tuple[float, float]:
    consumed = pending = 0.0
    async with httpx.AsyncClient(timeout=10) as http:
        for url in service_urls:
            try:
                text = (await http.get(f"{url}/metrics")).text
            except httpx.HTTPError:
                return float("nan"), 1.0  # a service is not answering: not quiet
            for family in text_string_to_metric_families(text):
                for sample in family.samples:
                    if sample.name == "harbour_events_consumed_total":
                        consumed += sample.value
                    elif sample.name == "harbour_outbox_pending_events":
                        pending += sample.value
    return consumed, pending


async def declare_capture(url: str) -> None:
    """A durable queue of every deadline phase event, declared before anything is published
    (it survives the broker's kill -9 like the services' own queues)."""
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel()
        exchange = await channel.declare_exchange("harbour.events", "topic", durable=True)
        queue = await channel.declare_queue(
            CAPTURE_QUEUE, durable=True, arguments={"x-queue-type": "quorum"}
        )
        for phase in PHASES:
            await queue.bind(exchange, routing_key=phase)
    finally:
        await connection.close()


async def phases_on_the_wire(url: str) -> dict[str, Any]:
    """Every phase event published, as a listener saw it: the same phase of a deadline with
    two event ids would be a second decision; the same event id twice is a repeated publish
    (harmless, consumers ignore it)."""
    ids: dict[tuple[str, str], set[str]] = defaultdict(set)
    deliveries = 0
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel()
        queue = await channel.get_queue(CAPTURE_QUEUE)
        while (message := await queue.get(no_ack=True, fail=False)) is not None:
            body = json.loads(message.body)
            ids[(body["payload"]["deadline_id"], body["event_type"])].add(body["event_id"])
            deliveries += 1
    finally:
        await connection.close()
    phases = Counter(phase for (_, phase) in ids)
    return {
        "phases": {p.split(".")[2]: phases[p] for p in PHASES},
        "decided_twice": sum(1 for events in ids.values() if len(events) > 1),
        "republished": deliveries - sum(len(events) for events in ids.values()),
    }


async def dead_letters(url: str, services: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """What waits in each service's DLQ: ids and why (never the content)."""
    found: dict[str, list[dict[str, Any]]] = {}
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel()
        for service in services:
            queue = await channel.get_queue(f"{service}.dlq")
            found[service] = []
            while (message := await queue.get(no_ack=True, fail=False)) is not None:
                death = (message.headers.get("x-death") or [{}])[0]
                found[service].append(
                    {
                        "message_id": message.message_id,
                        "queue": str(death.get("queue")),
                        "reason": str(death.get("reason")),
                    }
                )
    finally:
        await connection.close()
    return found
