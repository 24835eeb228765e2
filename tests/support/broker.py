"""Talking to the real broker directly, as another producer (or a faulty one) would."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aio_pika

EXCHANGE = "harbour.events"


@asynccontextmanager
async def channel(url: str) -> AsyncIterator[aio_pika.abc.AbstractChannel]:
    connection = await aio_pika.connect(url)
    try:
        yield await connection.channel(publisher_confirms=True)
    finally:
        await connection.close()


async def publish_raw(url: str, routing_key: str, body: bytes, message_id: str) -> None:
    async with channel(url) as ch:
        exchange = await ch.get_exchange(EXCHANGE)
        await exchange.publish(
            aio_pika.Message(
                body,
                message_id=message_id,
                content_type="application/json",
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            ),
            routing_key=routing_key,
            mandatory=True,
        )


async def dead_letters(url: str, service: str) -> list[aio_pika.abc.AbstractIncomingMessage]:
    """Everything in the service's DLQ, left in place (nothing is acked)."""
    messages = []
    async with channel(url) as ch:
        queue = await ch.get_queue(f"{service}.dlq")
        while (message := await queue.get(no_ack=False, fail=False)) is not None:
            messages.append(message)
        for message in messages:
            await message.nack(requeue=True)
    return messages
