"""An engineer lists a service's dead letters (ids only) and replays them once fixed."""

import asyncio
import subprocess
import sys

import aio_pika

from tests.support.api import School, eventually
from tests.support.broker import channel
from tests.support.effects import alerts_for
from tests.support.events import concern_raised
from tests.support.stack import ROOT


def harbour(stack, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**stack.base_env()}
    return subprocess.run(
        [sys.executable, "-m", "services.cli.main", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


async def _dead_letter(stack, body: bytes, message_id: str, event_type: str) -> None:
    """Put a message in notification.dlq as the broker would after too many failures."""
    async with channel(stack.rabbit_url) as ch:
        await ch.default_exchange.publish(
            aio_pika.Message(
                body,
                message_id=message_id,
                type=event_type,
                content_type="application/json",
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                headers={
                    "x-death": [
                        {
                            "queue": "notification.alerts",
                            "reason": "delivery_limit",
                            "count": 6,
                            "exchange": "harbour.events",
                            "routing-keys": [event_type],
                        }
                    ]
                },
            ),
            routing_key="notification.dlq",
        )


async def test_list_shows_ids_and_reasons_but_no_content(clients, stack, school: School):
    pupil = await school.add_pupil()
    event = concern_raised(school, pupil)
    await _dead_letter(stack, event.model_dump_json().encode(), event.event_id, event.event_type)

    listed = await asyncio.to_thread(harbour, stack, "dlq", "list", "notification")

    assert listed.returncode == 0, listed.stderr
    line = next(li for li in listed.stdout.splitlines() if li.startswith(event.event_id))
    assert "intake.concern.raised.v1" in line
    assert "notification.alerts" in line
    assert "delivery_limit" in line
    assert "hungry" not in listed.stdout  # the concern's text stays in the queue
    assert "Amelia" not in listed.stdout


async def test_replay_sends_the_event_back_to_its_queue(clients, stack, school: School):
    pupil = await school.add_pupil()
    event = concern_raised(school, pupil)
    await _dead_letter(stack, event.model_dump_json().encode(), event.event_id, event.event_type)

    replayed = await asyncio.to_thread(
        harbour, stack, "dlq", "replay", "notification", "--id", event.event_id
    )

    assert replayed.returncode == 0, replayed.stderr
    alerts = await eventually(
        lambda: alerts_for(clients.notification, school, event.payload.concern_id), bool
    )
    assert len(alerts) == 1
    after = await asyncio.to_thread(harbour, stack, "dlq", "list", "notification")
    assert event.event_id not in after.stdout


async def test_replaying_an_unknown_id_fails_clearly(stack):
    result = await asyncio.to_thread(harbour, stack, "dlq", "replay", "case", "--id", "nope")

    assert result.returncode == 2
    assert "no message nope in case.dlq" in result.stderr
