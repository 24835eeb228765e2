"""What the broker itself can do on this machine: a bare aio-pika publisher and consumer,
persistent messages, publisher confirms, a quorum queue, concern-sized messages."""

from __future__ import annotations

import asyncio
import time
import uuid

import aio_pika

from bench.stats import summary_ms

QUEUE = "bench.ceiling"


async def measure_ceiling(url: str, *, messages: int, size: int, in_flight: int) -> dict:
    connection = await aio_pika.connect(url)
    try:
        publish_channel = await connection.channel(publisher_confirms=True)
        consume_channel = await connection.channel()
        await consume_channel.set_qos(prefetch_count=256)
        queue = await consume_channel.declare_queue(
            f"{QUEUE}.{uuid.uuid4().hex[:6]}",
            durable=True,
            arguments={"x-queue-type": "quorum"},
        )
        latencies: list[float] = []
        done = asyncio.Event()

        async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            sent = float(message.headers["sent"])  # type: ignore[arg-type]
            latencies.append(time.perf_counter() - sent)
            await message.ack()
            if len(latencies) >= messages:
                done.set()

        consumer_tag = await queue.consume(on_message)
        padding = b"x" * size
        window = asyncio.Semaphore(in_flight)

        async def publish_one() -> None:
            async with window:
                await publish_channel.default_exchange.publish(
                    aio_pika.Message(
                        padding,
                        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                        headers={"sent": str(time.perf_counter())},
                    ),
                    routing_key=queue.name,
                )

        started = time.perf_counter()
        await asyncio.gather(*(publish_one() for _ in range(messages)))
        await asyncio.wait_for(done.wait(), timeout=300)
        elapsed = time.perf_counter() - started
        await queue.cancel(consumer_tag)  # before deleting, or the broker cancels it noisily
        await queue.delete(if_unused=False, if_empty=False)
        round_trip = summary_ms(latencies)
        return {
            "messages": messages,
            "message_bytes": size,
            "in_flight": in_flight,
            "messages_per_second": round(messages / elapsed, 1),
            "round_trip_p50_ms": round_trip["p50_ms"],
            "round_trip_p99_ms": round_trip["p99_ms"],
        }
    finally:
        await connection.close()
