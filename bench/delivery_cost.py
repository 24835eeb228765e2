"""What one delivery costs a service before its handler does anything: FastStream, the
envelope's decoding and validation, the log line, the metrics and the ack.

Concerns are queued first, then one consumer built as the services build theirs
(make_broker, consuming.subscribe) takes them with a handler that does nothing; the
process's own CPU time while it does is the figure. Its log lines go to stderr, as the
services' do:

    make up
    .venv/bin/python -m bench.delivery_cost 2>/dev/null
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from types import SimpleNamespace
from typing import Any

import aio_pika

from contracts import intake_v1, topology
from services.common.broker import consumer_queue, make_broker
from services.common.consuming import subscribe
from services.common.logs import configure_logging
from services.common.metrics import ServiceMetrics
from services.common.settings import CommonSettings
from tests.support.events import concern_raised


async def measure(messages: int) -> dict[str, float]:
    settings = CommonSettings()
    purpose = f"deliveries-{uuid.uuid4().hex[:6]}"
    spec = topology.QueueSpec("bench", purpose, (intake_v1.CONCERN_RAISED,))
    broker = make_broker(settings)
    handled = 0
    done = asyncio.Event()

    async def nothing(envelope: Any) -> None:
        nonlocal handled
        handled += 1
        if handled >= messages:
            done.set()

    subscribe(broker, spec, {intake_v1.CONCERN_RAISED: nothing}, settings, ServiceMetrics("bench"))
    connection = await aio_pika.connect(settings.rabbit_url)
    channel = await connection.channel(publisher_confirms=True)
    school = SimpleNamespace(school_id="bench", trust_id="bench-trust")
    body = concern_raised(school, "P1").model_dump_json().encode()  # type: ignore[arg-type]
    await broker.connect()
    await broker.declare_queue(consumer_queue(spec, settings))
    queue = await channel.get_queue(spec.name, ensure=False)
    try:
        for _ in range(messages):
            await channel.default_exchange.publish(
                aio_pika.Message(body, message_id=uuid.uuid4().hex), routing_key=spec.name
            )
        cpu, wall = time.process_time(), time.perf_counter()
        await broker.start()
        await asyncio.wait_for(done.wait(), timeout=600)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    finally:
        await broker.stop()
        await queue.delete(if_unused=False, if_empty=False)
        await connection.close()
    return {
        "deliveries": messages,
        "cpu_ms_per_delivery": round(1000 * cpu / messages, 3),
        "deliveries_per_second": round(messages / wall, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    args = parser.parse_args()
    configure_logging("INFO", "bench")
    print(asyncio.run(measure(args.messages)), flush=True)


if __name__ == "__main__":
    main()
