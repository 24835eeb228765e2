"""Subscribing handlers to queues, with these acknowledgement rules:

- a message that can never be handled (not an envelope, unknown type, invalid payload)
  is rejected at once and dead-lettered;
- a transient failure (store unreachable, or a document locked by another writer) is retried
  with back-off inside the handler;
- anything else is nacked and redelivered until the queue's delivery limit dead-letters it;
- the message is acked only after the handler has stored its effect.

Every log line written while an event is handled carries its event_id, event_type,
correlation_id and causation_id (services.common.log_context), and each message is counted
and timed (services.common.metrics).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping

from faststream import AckPolicy
from faststream.rabbit import Channel, RabbitBroker, RabbitMessage
from pydantic import BaseModel
from tenacity import AsyncRetrying, retry_if_exception, stop_after_delay, wait_exponential

from contracts import topology
from contracts.envelope import Envelope
from contracts.registry import InvalidEvent, decode
from services.common import log_context
from services.common.broker import consumer_queue
from services.common.errors import Busy
from services.common.metrics import ServiceMetrics
from services.common.settings import CommonSettings
from services.common.store import is_transient
from services.common.whole_message import whole_message

log = logging.getLogger("harbour.consumer")

# The pause before the second attempt; the later ones grow from it.
FIRST_PAUSE = 0.2

Handler = Callable[[Envelope[BaseModel]], Awaitable[None]]


class PermanentFailure(Exception):
    """The event is well-formed but can never be applied here (dead-letter it now)."""


def subscribe(
    broker: RabbitBroker,
    spec: topology.QueueSpec,
    handlers: Mapping[str, Handler],
    settings: CommonSettings,
    metrics: ServiceMetrics,
) -> None:
    missing = set(spec.routing_keys) - set(handlers)
    if missing:
        raise ValueError(f"{spec.name}: no handler for {sorted(missing)}")

    async def on_message(message: RabbitMessage) -> None:
        await _deliver(message, spec.name, handlers, settings.handler_retry_seconds, metrics)

    broker.subscriber(
        consumer_queue(spec, settings),
        channel=Channel(prefetch_count=settings.prefetch),
        ack_policy=AckPolicy.MANUAL,
        no_reply=True,
        decoder=whole_message,
    )(on_message)


async def _deliver(
    message: RabbitMessage,
    queue: str,
    handlers: Mapping[str, Handler],
    retry_seconds: float,
    metrics: ServiceMetrics,
) -> None:
    started = time.perf_counter()
    ids = {"queue": queue, "message_id": message.message_id}
    try:
        envelope = decode(message.body)
        handler = handlers.get(envelope.event_type)
        if handler is None:
            raise InvalidEvent(f"no handler for {envelope.event_type} on this queue")
    except InvalidEvent as exc:
        # Never labelled with the type it claims: a poison message could claim anything.
        log.warning("rejecting event that cannot be handled: %s", exc, extra=ids)
        await message.reject(requeue=False)
        metrics.dead_lettered.labels(queue, "invalid").inc()
        metrics.events_consumed.labels(queue, "invalid", "rejected").inc()
        return
    event_type = envelope.event_type
    if getattr(message.raw_message, "redelivered", False):
        metrics.redeliveries.labels(queue, event_type).inc()
    with log_context.bound(
        event_id=envelope.event_id,
        event_type=event_type,
        correlation_id=envelope.correlation_id,
        causation_id=envelope.causation_id,
    ):
        outcome = await _handle(message, envelope, handler, retry_seconds, ids)
        seconds = time.perf_counter() - started
        metrics.events_consumed.labels(queue, event_type, outcome).inc()
        metrics.handler_seconds.labels(queue, event_type).observe(seconds)
        if outcome == "rejected":
            metrics.dead_lettered.labels(queue, "permanent").inc()
        log.info("event %s", outcome, extra={**ids, "duration_ms": round(seconds * 1000, 1)})


def _passing(exc: BaseException) -> bool:
    """Worth retrying in the handler. A lock another writer holds is: a process killed
    while it held one leaves it for its 30 s expiry, and redelivering at once would spend the
    delivery limit in that time (make chaos dead-lettered a deadline event that way)."""
    return is_transient(exc) or isinstance(exc, Busy)


async def _handle(
    message: RabbitMessage,
    envelope: Envelope[BaseModel],
    handler: Handler,
    retry_seconds: float,
    ids: Mapping[str, str | None],
) -> str:
    """Run the handler and settle the message: handled (acked), retried (nacked for
    redelivery) or rejected (dead-lettered)."""
    try:
        await _attempts(handler, envelope, retry_seconds)
    except PermanentFailure as exc:
        log.warning("dead-lettering event: %s", exc, extra=ids)
        await message.reject(requeue=False)
        return "rejected"
    except Exception:
        log.exception("handler failed; the event will be redelivered", extra=ids)
        await message.nack(requeue=True)
        return "retried"
    await message.ack()
    return "handled"


async def _attempts(handler: Handler, envelope: Envelope[BaseModel], retry_seconds: float) -> None:
    """The first attempt runs bare: nearly every event is handled at once, and a retry loop
    set up for each delivery was most of what consuming itself cost (bench.delivery_cost).
    A passing failure is tried again with back-off for up to retry_seconds."""
    try:
        await handler(envelope)
        return
    except Exception as exc:
        if not _passing(exc) or retry_seconds <= 0:
            raise
    await asyncio.sleep(FIRST_PAUSE)
    async for attempt in AsyncRetrying(
        retry=retry_if_exception(_passing),
        wait=wait_exponential(multiplier=2 * FIRST_PAUSE, max=5),  # 0.4, 0.8, … after it
        stop=stop_after_delay(max(retry_seconds - FIRST_PAUSE, 0)),
        reraise=True,
    ):
        with attempt:
            await handler(envelope)
