"""Talking to the real broker directly, as another producer (or a faulty one) would."""

from __future__ import annotations

import json
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


class Capture:
    """A private queue bound to some routing keys: every event published on them, as a
    listener on the wire would see it (duplicates included)."""

    def __init__(self, url: str, routing_keys: list[str]) -> None:
        self.url = url
        self.routing_keys = routing_keys
        self.messages: list[aio_pika.abc.AbstractIncomingMessage] = []
        self._connection: aio_pika.abc.AbstractRobustConnection | None = None

    async def __aenter__(self) -> Capture:
        self._connection = await aio_pika.connect_robust(self.url)
        ch = await self._connection.channel()
        exchange = await ch.get_exchange(EXCHANGE)
        queue = await ch.declare_queue(exclusive=True, auto_delete=True)
        for key in self.routing_keys:
            await queue.bind(exchange, routing_key=key)

        async def keep(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            self.messages.append(message)
            await message.ack()

        await queue.consume(keep)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._connection is not None:
            await self._connection.close()

    def bodies(self, routing_key: str | None = None) -> list[dict]:
        return [
            json.loads(m.body)
            for m in self.messages
            if routing_key is None or m.routing_key == routing_key
        ]
