"""RabbitMQ wiring: the broker factory, the topology every service declares, the publisher."""

from __future__ import annotations

import asyncio
import logging

from faststream.rabbit import (
    Channel,
    ExchangeType,
    QueueType,
    RabbitBroker,
    RabbitExchange,
    RabbitQueue,
)

from contracts import topology
from services.common.dead_letter_copies import copies_queue
from services.common.settings import CommonSettings

log = logging.getLogger("harbour.broker")


def make_broker(settings: CommonSettings) -> RabbitBroker:
    return RabbitBroker(
        settings.rabbit_url,
        # Mandatory publishes raise on return: an unroutable event must not vanish.
        default_channel=Channel(publisher_confirms=True, on_return_raises=True),
        reconnect_interval=1.0,
        # Handlers already running when the service stops may finish for this long.
        graceful_timeout=settings.consumer_drain_seconds or None,
        logger=logging.getLogger("harbour.faststream"),
        log_level=logging.DEBUG,
        # No dependency injection: every handler takes the message itself (whole_message),
        # and injecting it cost a worker-thread hop per delivery (~8% of a service's CPU).
        apply_types=False,
    )


def events_exchange() -> RabbitExchange:
    return RabbitExchange(topology.EXCHANGE, type=ExchangeType.TOPIC, durable=True)


def consumer_queue(spec: topology.QueueSpec, settings: CommonSettings) -> RabbitQueue:
    return RabbitQueue(
        spec.name,
        queue_type=QueueType.QUORUM,
        durable=True,
        arguments={
            "x-delivery-limit": settings.delivery_limit,
            "x-dead-letter-exchange": topology.dead_letter_exchange(spec.service),
            "x-dead-letter-strategy": "at-least-once",
            "x-overflow": "reject-publish",
        },
    )


def dead_letter_queue(service: str) -> RabbitQueue:
    return RabbitQueue(
        topology.dead_letter_queue(service),
        queue_type=QueueType.QUORUM,
        durable=True,
        arguments={"x-overflow": "reject-publish"},
    )


async def declare_topology(broker: RabbitBroker, settings: CommonSettings) -> None:
    """Declare the whole system's exchanges, queues and bindings (idempotent)."""
    exchange = await broker.declare_exchange(events_exchange())
    copies = await broker.declare_queue(copies_queue())
    for service in {spec.service for spec in topology.QUEUES}:
        dlx = await broker.declare_exchange(
            RabbitExchange(
                topology.dead_letter_exchange(service), type=ExchangeType.FANOUT, durable=True
            )
        )
        dlq = await broker.declare_queue(dead_letter_queue(service))
        await dlq.bind(dlx)
        await copies.bind(dlx)
    for spec in topology.QUEUES:
        queue = await broker.declare_queue(consumer_queue(spec, settings))
        for routing_key in spec.routing_keys:
            await queue.bind(exchange, routing_key=routing_key)


async def dead_letter_count(broker: RabbitBroker, service: str) -> int:
    queue = await broker.declare_queue(dead_letter_queue(service))
    info = await queue.declare(timeout=5)
    return int(info.message_count or 0)


class EventPublisher:
    """Persistent, confirmed, mandatory publishes with a timeout; message_id = event_id."""

    def __init__(self, broker: RabbitBroker, timeout_seconds: float) -> None:
        self._broker = broker
        self._exchange = events_exchange()
        self._timeout = timeout_seconds

    async def __call__(self, event_id: str, event_type: str, body: bytes) -> None:
        # The outer timeout also covers a publish that waits for a lost connection.
        async with asyncio.timeout(self._timeout * 2):
            await self._broker.publish(
                body,
                exchange=self._exchange,
                routing_key=event_type,
                mandatory=True,
                persist=True,
                timeout=self._timeout,
                message_id=event_id,
                message_type=event_type,
                content_type="application/json",
            )
