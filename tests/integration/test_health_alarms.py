"""The alarms a trust's IT relies on at 2 a.m.: `/readyz` fails while events wait too long
to be published or a dead-letter queue grows, and the operators are e-mailed (content-free)
once per dead letter. A stack of its own: these tests break routing on purpose."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aio_pika
import httpx
import pytest

from contracts import intake_v1
from contracts.topology import QUEUES
from tests.support.api import School, bearer, eventually, token
from tests.support.broker import EXCHANGE, publish_raw
from tests.support.events import concern_raised
from tests.support.fake_smtp import FakeSmtpServer
from tests.support.stack import ROOT
from tests.support.stack import TestStack as Stack

OPERATOR = "ops@trust.example.org"
OUTBOX_AGE = 2  # seconds before a waiting event makes intake not ready
GROWTH_WINDOW = 4  # seconds a grown DLQ keeps its service not ready


@pytest.fixture(scope="module")
def smtp() -> Iterator[FakeSmtpServer]:
    with FakeSmtpServer() as server:
        yield server


@pytest.fixture(scope="module")
def alarm_stack(smtp: FakeSmtpServer) -> Iterator[Stack]:
    stack = Stack(
        log_dir=ROOT / ".data" / "test-logs" / "alarms",
        settings={
            "HARBOUR_SMTP_HOST": smtp.host,
            "HARBOUR_SMTP_PORT": str(smtp.port),
            "HARBOUR_SMTP_STARTTLS": "false",
            "HARBOUR_OPERATIONS_EMAIL": OPERATOR,
            "HARBOUR_OPERATIONS_POLL_SECONDS": "0.5",
            "HARBOUR_READY_OUTBOX_AGE_SECONDS": str(OUTBOX_AGE),
            "HARBOUR_READY_DEAD_LETTER_WINDOW_SECONDS": str(GROWTH_WINDOW),
            "HARBOUR_DEAD_LETTER_SAMPLE_SECONDS": "0.5",
        },
    )
    stack.create()
    try:
        stack.start_all()
        yield stack
    finally:
        stack.destroy()


@pytest.fixture(scope="module")
async def intake(alarm_stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=alarm_stack.url("intake"), timeout=10) as client:
        yield client


async def readyz(stack: Stack, service: str) -> tuple[int, dict[str, Any]]:
    async with httpx.AsyncClient() as http:
        response = await http.get(f"{stack.url(service)}/readyz", timeout=5)
    return response.status_code, response.json()


async def test_a_dead_letter_fails_readiness_while_the_queue_grows_and_mails_the_operators_once(
    alarm_stack: Stack, intake: httpx.AsyncClient, smtp: FakeSmtpServer
):
    school = await School.register(intake)
    event = concern_raised(school, await school.add_pupil()).model_dump(mode="json")
    event["payload"]["categories"] = ["not-a-category"]  # no consumer can ever accept it

    await publish_raw(
        alarm_stack.rabbit_url, event["event_type"], json.dumps(event).encode(), event["event_id"]
    )

    for service in ("notification", "records", "case"):
        code, report = await eventually(
            lambda s=service: readyz(alarm_stack, s), lambda r: r[0] == 503, timeout=10
        )
        assert (code, report.get("dead_letters_growing")) == (503, True), (service, report)
        assert (report["store"], report["broker"]) == ("ok", "ok")
    # One mail per dead letter: each queue that takes a raised concern dead-letters it.
    queues = [q for q in QUEUES if intake_v1.CONCERN_RAISED in q.routing_keys]
    mails = await eventually(
        lambda: asyncio.sleep(0, [m for m in smtp.messages if event["event_id"] in m.body]),
        lambda found: len(found) >= len(queues),
    )
    assert sorted(m.subject for m in mails) == sorted(
        f"Harbour: a message was dead-lettered in {q.service}" for q in queues
    )
    assert all(m.envelope_to == (OPERATOR,) for m in mails)
    for mail in mails:
        assert event["payload"]["description"] not in mail.body
        assert event["payload"]["pupil_id"] not in mail.body

    # Past the window the queue is no longer growing: ready again, and still reported.
    code, report = await eventually(
        lambda: readyz(alarm_stack, "records"), lambda r: r[0] == 200, timeout=GROWTH_WINDOW + 10
    )
    assert code == 200 and report["dead_letters"] >= 1 and "harbour dlq list" in report["attention"]
    # One alert and one e-mail per dead letter, however long we wait.
    await asyncio.sleep(2)
    assert len([m for m in smtp.messages if event["event_id"] in m.body]) == len(queues)
    admin = bearer(token("it-1", "admin", trust=school.trust_id))
    async with httpx.AsyncClient(base_url=alarm_stack.url("notification")) as notification:
        listed = (await notification.get("/v1/operations/alerts", headers=admin)).json()
        metrics = (await notification.get("/metrics")).text
    assert sorted(a["queue"] for a in listed["alerts"]) == sorted(q.name for q in queues)
    assert 'harbour_dead_letter_queue_messages{queue="notification.dlq"} 1.0' in metrics


async def _bindings(url: str, routing_key: str, queues: list[str], bind: bool) -> None:
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel()
        exchange = await channel.get_exchange(EXCHANGE)
        for name in queues:
            queue = await channel.get_queue(name)
            if bind:
                await queue.bind(exchange, routing_key=routing_key)
            else:
                await queue.unbind(exchange, routing_key=routing_key)
    finally:
        await connection.close()


async def test_an_event_the_broker_refuses_fails_readiness_until_it_is_published(
    alarm_stack: Stack, intake: httpx.AsyncClient
):
    """Nothing is bound for pupil records (as if a queue were deleted by hand): the broker
    returns the publish, the relay keeps the event and retries, and intake says so."""
    school = await School.register(intake)
    key, queues = "intake.pupil.recorded.v1", ["case.directory", "records.directory"]
    await _bindings(alarm_stack.rabbit_url, key, queues, bind=False)
    try:
        await school.add_pupil()
        code, report = await eventually(
            lambda: readyz(alarm_stack, "intake"), lambda r: r[0] == 503, timeout=15
        )
        assert code == 503, report
        assert report["outbox"]["pending_events"] >= 1
        assert report["outbox"]["oldest_pending_seconds"] >= OUTBOX_AGE  # rounded to 0.1 s
        assert "problem" in report["outbox"]
        async with httpx.AsyncClient() as http:
            metrics = (await http.get(f"{alarm_stack.url('intake')}/metrics")).text
        assert 'harbour_event_publish_failures_total{event_type="intake.pupil.recorded.v1"}' in (
            metrics
        )
    finally:
        await _bindings(alarm_stack.rabbit_url, key, queues, bind=True)

    code, report = await eventually(
        lambda: readyz(alarm_stack, "intake"), lambda r: r[0] == 200, timeout=60
    )
    assert code == 200, report
    assert report["outbox"]["pending_events"] == 0
