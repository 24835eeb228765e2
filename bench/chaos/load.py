"""What the runner offers while it breaks things, and every answer it gets back:

- concerns posted to intake at a fixed rate, each retried with its Idempotency-Key until
  intake answers 202 (as the web page does after a dropped connection);
- an Operation Encompass batch every minute, signed, retried until answered;
- concern events whose triage deadline comes due during the run, published to the broker as
  intake would, so that the statutory clock's phases fire while case is being killed;
- a few poison messages, the only thing allowed to end in a dead-letter queue."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import secrets
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import aio_pika
import httpx

from bench.encompass import BATCH_HEADER, FORENAMES, ROSTER_HEADER
from bench.fanout import concern
from contracts.envelope import utc_now
from services.intake.domain.signatures import sign
from tests.support.api import bearer, token
from tests.support.broker import EXCHANGE
from tests.support.events import concern_raised

GIVE_UP_SECONDS = 900  # a client that has not got its 202 after this long stops trying
# Requests in flight at once. Without a bound, the retries of an outage pile up in httpx's
# pool, whose bookkeeping grows with the square of the queue (measured: the runner spent
# whole minutes of CPU there) and intake answers a flood instead of a stream.
IN_FLIGHT = 64


@dataclass
class Answers:
    """Every answer the clients got, by status code, or by error when none came."""

    gate: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(IN_FLIGHT))
    codes: Counter[str] = field(default_factory=Counter)
    accepted: dict[str, datetime] = field(default_factory=dict)  # id → when accepted
    given_up: int = 0
    retried: int = 0  # requests that needed more than one attempt


@dataclass(frozen=True)
class Tenant:
    trust_id: str
    school_ids: list[str]
    pupils: dict[str, list[tuple[str, str, str, str]]]  # school → (id, forename, surname, born)
    urns: dict[str, str]
    sender: str
    secret: str


async def _retrying(call: Any, answers: Answers, accept: Any) -> Any:
    """Call until `accept(response)`; 4xx other than 408/429 are answers, not retried."""
    started, attempt = time.monotonic(), 0
    while time.monotonic() - started < GIVE_UP_SECONDS:
        attempt += 1
        try:
            async with answers.gate:
                response = await call()
        except httpx.HTTPError as exc:
            answers.codes[type(exc).__name__] += 1
        else:
            answers.codes[str(response.status_code)] += 1
            if accept(response):
                answers.retried += attempt > 1
                return response
            if 400 <= response.status_code < 500 and response.status_code not in (408, 429):
                return None
        await asyncio.sleep(min(5.0, 0.25 * 2**attempt) * random.uniform(0.5, 1.0))
    answers.given_up += 1
    return None


async def set_up_trust(intake: httpx.AsyncClient, schools: int, pupils: int) -> Tenant:
    """Schools with URNs and rolls, and a police sender for their trust."""
    trust = f"chaos-trust-{uuid.uuid4().hex[:6]}"
    admin = bearer(token("chaos-admin", "admin", trust=trust, ttl=12 * 3600))
    rnd = random.Random(2026)
    school_ids, rolls, urns = [], {}, {}
    for s in range(schools):
        school_id, urn = f"chaos-{s}", f"{150000 + s}"
        response = await intake.put(
            f"/v1/schools/{school_id}",
            json={"name": f"Chaos School {s}", "trust_id": trust, "urn": urn},
            headers=admin,
        )
        response.raise_for_status()
        roll = []
        for p in range(pupils):
            born = f"20{rnd.randint(10, 19)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
            roll.append((f"C{s}{p:04d}", rnd.choice(FORENAMES), f"Chaos{s}x{p}", born))
        csv = "\n".join(
            [ROSTER_HEADER]
            + [f"{pid},,{first},{last},,{born},,2021-09-01," for pid, first, last, born in roll]
        )
        response = await intake.post(
            f"/v1/schools/{school_id}/roster",
            content=(csv + "\n").encode(),
            headers={**admin, "Content-Type": "text/csv"},
        )
        response.raise_for_status()
        school_ids.append(school_id)
        rolls[school_id] = roll
        urns[school_id] = urn
    secret = secrets.token_urlsafe(32)
    response = await intake.put(
        "/v1/encompass/senders/chaos-force",
        json={"name": "Chaos Constabulary", "secret": secret, "trust_ids": [trust]},
        headers=admin,
    )
    response.raise_for_status()
    return Tenant(trust, school_ids, rolls, urns, "chaos-force", secret)


async def offer_concerns(
    intake: httpx.AsyncClient,
    tenant: Tenant,
    rate: float,
    total: int,
    until: asyncio.Event,
    answers: Answers,
) -> int:
    """At least `total` concerns at `rate` per second, and on until `until` is set, on a
    fixed schedule (a slow answer does not slow the offer down), spread over the tenant's
    schools and pupils. Returns how many were offered."""
    staff = {
        s: bearer(token("chaos-teacher", "staff", school=s, ttl=12 * 3600))
        for s in tenant.school_ids
    }

    async def one(i: int) -> None:
        school = tenant.school_ids[i % len(tenant.school_ids)]
        pupil = tenant.pupils[school][i % len(tenant.pupils[school])][0]
        headers = {**staff[school], "Idempotency-Key": f"chaos-{uuid.uuid4()}"}
        body = concern(school, pupil)
        response = await _retrying(
            lambda: intake.post("/v1/concerns", json=body, headers=headers),
            answers,
            lambda r: r.status_code == 202,
        )
        if response is not None:
            answered = response.json()
            answers.accepted[answered["concern_id"]] = datetime.fromisoformat(
                answered["received_at"]
            )

    tasks = []
    start = time.perf_counter()
    i = 0
    while i < total or not until.is_set():
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i)))
        i += 1
    await asyncio.gather(*tasks)
    return i


async def send_police_batches(
    intake: httpx.AsyncClient,
    tenant: Tenant,
    rows: int,
    every_seconds: float,
    until: asyncio.Event,
    answers: Answers,
) -> None:
    """A signed batch of `rows` children every `every_seconds` until `until` is set; one
    row in twenty names a child on no roll (it must stay unmatched). Every notification id
    answered is kept, with the batch's answer time (matched or not is read from the store)."""
    rnd = random.Random(11)
    everyone = [(s, p) for s in tenant.school_ids for p in tenant.pupils[s]]
    batch = 0
    while not until.is_set():
        started = time.monotonic()
        lines = []
        for n, (school, (_, first, last, born)) in enumerate(rnd.sample(everyone, rows)):
            first = "Unknown" if n % 20 == 0 else first
            lines.append(
                f"CH/{batch}/{n}/26,Chaos Constabulary,2026-03-11T21:10:00+00:00,"
                f"2026-03-12T06:40:00+00:00,{first},{last},{born},,{tenant.urns[school]},"
                f"Chaos School,yes,,Argument between adults at the home address.,Advice given."
            )
        body = ("\n".join([BATCH_HEADER, *lines]) + "\n").encode()

        def post(body: bytes = body) -> Any:
            timestamp = int(time.time())
            return intake.post(
                "/v1/encompass/batches",
                content=body,
                headers={
                    "Content-Type": "text/csv",
                    "X-Harbour-Sender": tenant.sender,
                    "X-Harbour-Timestamp": str(timestamp),
                    "X-Harbour-Signature": sign(tenant.secret.encode(), timestamp, body),
                },
            )

        response = await _retrying(post, answers, lambda r: r.is_success)
        if response is not None:
            at = utc_now()
            for row in response.json()["rows"]:
                if row.get("notification_id"):
                    answers.accepted.setdefault(row["notification_id"], at)
        batch += 1
        await _wait(until, every_seconds - (time.monotonic() - started))


async def _publish(url: str, body: bytes, routing_key: str, message_id: str) -> None:
    connection = await aio_pika.connect(url, timeout=10)
    try:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.get_exchange(EXCHANGE)
        message = aio_pika.Message(
            body, message_id=message_id, delivery_mode=aio_pika.DeliveryMode.PERSISTENT
        )
        await exchange.publish(message, routing_key=routing_key, mandatory=True, timeout=10)
    finally:
        await connection.close()


async def _publish_until_confirmed(
    url: str, body: bytes, routing_key: str, message_id: str
) -> None:
    while True:
        try:
            await _publish(url, body, routing_key, message_id)
            return
        except Exception:
            await asyncio.sleep(1)  # the broker is away: as intake's relay, keep it and retry


def probed_child(tenant: Tenant) -> tuple[str, str]:
    """The school and pupil every clock probe is about."""
    school_id = tenant.school_ids[0]
    return school_id, tenant.pupils[school_id][0][0]


async def clock_probes(
    url: str, tenant: Tenant, every_seconds: float, due_in: float, until: asyncio.Event
) -> dict[str, str]:
    """Concern events received long enough ago that their triage deadline is due `due_in`
    seconds after publishing (its approaching phase at once). concern id → event id."""
    school_id, pupil = probed_child(tenant)
    school = _SchoolIds(school_id, tenant.trust_id)
    probes: dict[str, str] = {}
    while not until.is_set():
        received = utc_now() - timedelta(minutes=60) + timedelta(seconds=due_in)
        event = concern_raised(school, pupil, received_at=received)  # type: ignore[arg-type]
        await _publish_until_confirmed(
            url, event.model_dump_json().encode(), event.event_type, event.event_id
        )
        probes[event.payload.concern_id] = event.event_id
        await _wait(until, every_seconds)
    return probes


async def poison(url: str, tenant: Tenant) -> str:
    """A concern event no consumer can accept (an unknown category): dead-lettered by every
    queue that takes a raised concern, and reported to the operators once per queue."""
    school = _SchoolIds(tenant.school_ids[0], tenant.trust_id)
    event = concern_raised(school, tenant.pupils[school.school_id][0][0])  # type: ignore[arg-type]
    body = event.model_dump(mode="json")
    body["payload"]["categories"] = ["not-a-category"]
    await _publish_until_confirmed(url, json.dumps(body).encode(), event.event_type, event.event_id)
    return event.event_id


@dataclass(frozen=True)
class _SchoolIds:
    school_id: str
    trust_id: str


async def _wait(until: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(until.wait(), timeout=max(0.0, seconds))
