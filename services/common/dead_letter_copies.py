"""A copy of every dead letter, whichever service's queue it left, for notification to tell
the operators (contracts.topology.DEAD_LETTER_COPIES).

Each service's dead-letter exchange is a fanout: a message dead-lettered from any queue
reaches the service's DLQ, where it waits for `harbour dlq`, and this copy queue. What is
taken from the copy is only where and why it died (the broker's `x-death` header), its
message id and event type, and the trust id if the body is an envelope that names one:
never anything else of its content (services.common.dead_letter_headers)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from faststream import AckPolicy
from faststream.rabbit import Channel, QueueType, RabbitBroker, RabbitMessage, RabbitQueue

from contracts import topology
from services.common.dead_letter_headers import DeadLetter, dead_letter_of
from services.common.store import is_transient
from services.common.whole_message import whole_message

log = logging.getLogger("harbour.dead_letters")


def copies_queue() -> RabbitQueue:
    # No dead-letter exchange of its own: a copy that failed would be copied back to it.
    return RabbitQueue(
        topology.DEAD_LETTER_COPIES,
        queue_type=QueueType.QUORUM,
        durable=True,
        arguments={"x-overflow": "reject-publish"},
    )


def subscribe_dead_letters(
    broker: RabbitBroker,
    handler: Callable[[DeadLetter], Awaitable[object]],
    *,
    prefetch: int,
    retry_pause_seconds: float = 2.0,
) -> None:
    async def on_message(message: RabbitMessage) -> None:
        dead = dead_letter_of(message.headers, message.message_id, bytes(message.body))
        if dead is None:
            await message.ack()
            return
        try:
            await handler(dead)
        except Exception as exc:
            # Never rejected (it has nowhere to go): tried again after a pause.
            level = logging.WARNING if is_transient(exc) else logging.ERROR
            log.log(level, "dead letter not recorded yet: %s", type(exc).__name__)
            await asyncio.sleep(retry_pause_seconds)
            await message.nack(requeue=True)
        else:
            await message.ack()

    broker.subscriber(
        copies_queue(),
        channel=Channel(prefetch_count=prefetch),
        ack_policy=AckPolicy.MANUAL,
        no_reply=True,
        decoder=whole_message,
    )(on_message)
