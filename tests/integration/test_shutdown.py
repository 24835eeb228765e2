"""SIGTERM ends any service within 10 s, also in the middle of a burst: consumers stop taking
messages, handlers already running finish or leave theirs unacked for the other replica,
the relay publishes what was stored, connections close; nothing accepted is lost or
doubled."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

import aio_pika
import httpx
import pytest

from contracts.intake_v1 import CONCERN_RAISED
from tests.support.api import School, concern_body, eventually
from tests.support.broker import EXCHANGE
from tests.support.events import concern_raised

LIMIT_SECONDS = 10
BURST = 200


async def _publish_burst(url: str, school: School, pupil: str, count: int) -> list[str]:
    """Concern events as intake publishes them, as fast as the broker confirms them."""
    connection = await aio_pika.connect(url)
    ids = []
    try:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.get_exchange(EXCHANGE)
        for _ in range(count):
            event = concern_raised(school, pupil)
            message = aio_pika.Message(
                event.model_dump_json().encode(),
                message_id=event.event_id,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            )
            await exchange.publish(message, routing_key=event.event_type)
            ids.append(event.payload.concern_id)
    finally:
        await connection.close()
    return ids


async def _handled(url: str) -> float:
    async with httpx.AsyncClient() as http:
        try:
            text = (await http.get(f"{url}/metrics", timeout=2)).text
        except httpx.HTTPError:
            return 0
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("harbour_events_consumed_total{") and 'outcome="handled"' in line
    )


async def _effects(clients: Any, school: School, pupil: str) -> dict[str, Counter[str]]:
    alerts = await clients.notification.get("/v1/alerts", headers=school.dsl, params={"limit": 500})
    chronology = await clients.records.get(f"/v1/children/{pupil}/chronology", headers=school.dsl)
    deadlines = await clients.case.get(
        "/v1/deadlines", headers=school.dsl, params={"pupil_id": pupil, "limit": 1000}
    )
    entries = chronology.json()["entries"] if chronology.status_code == 200 else []
    return {
        # The concerns' own effects (so many about one child also make a pattern alert).
        "notification": Counter(
            a["source_id"] for a in alerts.json()["alerts"] if a["source_type"] == "concern"
        ),
        "records": Counter(e["source_id"] for e in entries if e["event_type"] == CONCERN_RAISED),
        "case": Counter(d["source_id"] for d in deadlines.json()["deadlines"]),
    }


def _stop_timed(process: Any) -> float:
    started = time.monotonic()
    process.stop()  # SIGTERM, then wait for the process to end
    return time.monotonic() - started


@pytest.mark.parametrize("service", ["case", "notification", "records"])
async def test_a_consumer_stops_within_ten_seconds_mid_burst_and_loses_nothing(
    clients, stack, school: School, service: str
):
    pupil = await school.add_pupil()
    replica = stack.add(service, "sigterm")
    await asyncio.to_thread(replica.start)
    try:
        burst = asyncio.create_task(_publish_burst(stack.rabbit_url, school, pupil, BURST))
        await eventually(lambda: _handled(replica.url), lambda n: n >= 5, timeout=30)
        took = await asyncio.to_thread(_stop_timed, replica)
        accepted = await burst
    finally:
        if replica.process is not None:
            await asyncio.to_thread(replica.kill)

    assert took < LIMIT_SECONDS, f"{service} took {took:.1f} s to stop"
    effects = await eventually(
        lambda: _effects(clients, school, pupil),
        lambda found: set(found[service]) >= set(accepted),
        timeout=60,
    )
    found = effects[service]
    assert set(found) == set(accepted), f"{len(set(accepted) - set(found))} lost"
    assert max(found.values()) == 1, "an effect was doubled"


async def test_intake_stops_within_ten_seconds_mid_burst_and_publishes_what_it_accepted(
    clients, stack, school: School
):
    pupil = await school.add_pupil()
    replica = stack.add("intake", "sigterm")
    await asyncio.to_thread(replica.start)
    accepted: list[str] = []

    async def post(http: httpx.AsyncClient, i: int) -> None:
        try:
            response = await http.post(
                "/v1/concerns",
                json=concern_body(school.school_id, pupil),
                headers={**school.staff, "Idempotency-Key": f"sigterm-{pupil}-{i}"},
            )
        except httpx.HTTPError:
            return  # refused once it stopped listening: never accepted
        if response.status_code == 202:
            accepted.append(response.json()["concern_id"])

    try:
        async with httpx.AsyncClient(base_url=replica.url, timeout=15) as http:
            posts = []
            for i in range(120):
                posts.append(asyncio.create_task(post(http, i)))
                if i == 40:
                    stopping = asyncio.create_task(asyncio.to_thread(_stop_timed, replica))
                await asyncio.sleep(1 / 40)
            await asyncio.gather(*posts)
            took = await stopping
    finally:
        if replica.process is not None:
            await asyncio.to_thread(replica.kill)

    assert took < LIMIT_SECONDS, f"intake took {took:.1f} s to stop"
    assert len(accepted) >= 30
    # What it accepted was published before it stopped: the other services have it all.
    effects = await eventually(
        lambda: _effects(clients, school, pupil),
        lambda found: all(set(f) >= set(accepted) for f in found.values()),
        timeout=60,
    )
    for kind, found in effects.items():
        assert set(found) == set(accepted), f"{kind}: {len(set(accepted) - set(found))} lost"
        assert max(found.values()) == 1, f"{kind} doubled"


async def test_web_stops_within_ten_seconds_while_pages_are_being_served(stack):
    web = stack.add_web()
    await asyncio.to_thread(web.start)

    async def browse(http: httpx.AsyncClient) -> None:
        while web.process is not None:
            try:
                await http.get("/dev/sign-in")
            except httpx.HTTPError:
                return

    try:
        async with httpx.AsyncClient(base_url=web.url, timeout=15) as http:
            readers = [asyncio.create_task(browse(http)) for _ in range(8)]
            await asyncio.sleep(1)
            took = await asyncio.to_thread(_stop_timed, web)
            await asyncio.gather(*readers)
    finally:
        if web.process is not None:
            await asyncio.to_thread(web.kill)

    assert took < LIMIT_SECONDS, f"web took {took:.1f} s to stop"
