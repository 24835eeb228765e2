"""`harbour dlq list|replay SERVICE`: inspect and replay a service's dead-lettered events.

Lists ids, types and why each message was dead-lettered, never its payload (which may
hold a child's details). Replay sends a message back to the queue it died in (not to the
exchange, so other consumers are not disturbed) and removes it from the dead-letter queue
only once the broker has confirmed the re-publish.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import aio_pika
from aio_pika.abc import AbstractIncomingMessage

from contracts import topology
from services.cli.errors import CliError
from services.common.settings import CommonSettings

SERVICES_WITH_QUEUES = sorted({q.service for q in topology.QUEUES})


def register(commands: Any) -> None:
    dlq = commands.add_parser("dlq", help="list or replay a service's dead-lettered events")
    actions = dlq.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="list dead-lettered events (ids only)")
    listing.add_argument("service", choices=SERVICES_WITH_QUEUES)
    listing.set_defaults(run=lambda args: asyncio.run(_list(args.service)))
    replay = actions.add_parser("replay", help="send dead-lettered events back to their queue")
    replay.add_argument("service", choices=SERVICES_WITH_QUEUES)
    which = replay.add_mutually_exclusive_group(required=True)
    which.add_argument("--id", dest="message_id", help="replay the message with this id")
    which.add_argument("--all", action="store_true", help="replay every message")
    replay.set_defaults(run=run_replay)


def run_replay(args: argparse.Namespace) -> int:
    return asyncio.run(_replay(args.service, args.message_id, args.all))


def describe(message: AbstractIncomingMessage) -> dict[str, Any]:
    death = _first_death(message)
    return {
        "message_id": message.message_id,
        "event_type": message.type or message.routing_key,
        "queue": death.get("queue"),
        "reason": death.get("reason"),
        "deaths": death.get("count"),
    }


async def _list(service: str) -> int:
    async with _dead_letters(service) as (_, messages):
        for message in messages:
            d = describe(message)
            print(
                f"{d['message_id']}\t{d['event_type']}\t{d['queue']}\t{d['reason']}\t{d['deaths']}"
            )
        print(f"{len(messages)} dead-lettered event(s) in {topology.dead_letter_queue(service)}")
        for message in messages:
            await message.nack(requeue=True)
    return 0


async def _replay(service: str, message_id: str | None, every: bool) -> int:
    async with _dead_letters(service) as (channel, messages):
        replayed = 0
        for message in messages:
            if not every and message.message_id != message_id:
                await message.nack(requeue=True)
                continue
            origin = _first_death(message).get("queue")
            if not origin:
                await message.nack(requeue=True)
                continue
            await channel.default_exchange.publish(_copy(message), routing_key=origin, timeout=10)
            await message.ack()
            replayed += 1
    if not every and replayed == 0:
        raise CliError(f"no message {message_id} in {topology.dead_letter_queue(service)}")
    print(f"replayed {replayed} event(s)")
    return 0


@contextlib.asynccontextmanager
async def _dead_letters(
    service: str,
) -> AsyncIterator[tuple[aio_pika.abc.AbstractChannel, list[AbstractIncomingMessage]]]:
    """The DLQ's messages, held (unacked) until the block ends; whatever the block neither
    acked nor nacked goes back to the queue when the connection closes."""
    connection = await aio_pika.connect(CommonSettings().rabbit_url)
    try:
        channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
        queue = await channel.get_queue(topology.dead_letter_queue(service))
        yield channel, await _get_all(queue)
    finally:
        await connection.close()


async def _get_all(queue: aio_pika.abc.AbstractQueue) -> list[AbstractIncomingMessage]:
    messages = []
    while (message := await queue.get(no_ack=False, fail=False, timeout=10)) is not None:
        messages.append(message)
    return messages


def _first_death(message: AbstractIncomingMessage) -> dict[str, Any]:
    deaths = (message.headers or {}).get("x-death") or []
    return dict(deaths[0]) if deaths else {}


def _copy(message: AbstractIncomingMessage) -> aio_pika.Message:
    return aio_pika.Message(
        message.body,
        message_id=message.message_id,
        type=message.type,
        content_type=message.content_type,
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        headers={"x-replayed-from": message.routing_key or ""},
    )
