"""The faults, in turn, each followed by a pause for the system to catch up: kill -9 of each
service process (restarted after `down_seconds`), of FerretDB and of the RabbitMQ node
(both restarted likewise), and a cut of one service's broker connection."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from bench.chaos.infra import ChaosStack, PrivateFerretDB, PrivateRabbitMQ, restart
from bench.chaos.proxy import TcpProxy
from contracts.envelope import utc_now


@dataclass
class Fault:
    name: str
    injected_at: datetime
    restarted_at: datetime | None = None  # the restart was begun (or the cut ended)
    ready_at: datetime | None = None  # it answered again
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        fields = asdict(self).items()
        return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in fields}


async def _kill_and_restart(
    name: str, kill: Callable[[], None], start: Callable[[], None], down_seconds: float
) -> Fault:
    fault = Fault(name, utc_now())
    await asyncio.to_thread(kill)
    print(f"  {fault.injected_at:%H:%M:%S} kill -9 {name}", flush=True)
    await asyncio.sleep(down_seconds)
    fault.restarted_at = utc_now()
    try:
        await asyncio.to_thread(start)
    except Exception as exc:  # reported, and the run goes on (the accounting will show it)
        fault.error = f"{type(exc).__name__}: {exc}"
    fault.ready_at = utc_now()
    took = (fault.ready_at - fault.restarted_at).total_seconds()
    print(f"  {fault.ready_at:%H:%M:%S} {name} back ({took:.1f} s to start)", flush=True)
    return fault


async def inject_faults(
    stack: ChaosStack,
    processes: list[str],
    store: PrivateFerretDB,
    broker: PrivateRabbitMQ,
    proxy: TcpProxy,
    cut_service: str,
    *,
    gap_seconds: float,
    down_seconds: float,
    cut_seconds: float,
) -> list[Fault]:
    faults: list[Fault] = []
    await asyncio.sleep(gap_seconds)
    for key in processes:
        process = stack[key]
        faults.append(
            await _kill_and_restart(key, process.kill, lambda p=process: restart(p), down_seconds)
        )
        await asyncio.sleep(gap_seconds)
    faults.append(await _kill_and_restart("ferretdb", store.kill, store.start, down_seconds))
    await asyncio.sleep(gap_seconds)
    faults.append(await _kill_and_restart("rabbitmq", broker.kill, broker.start, down_seconds))
    await asyncio.sleep(gap_seconds)
    cut = Fault(f"broker connection of {cut_service} cut", utc_now())
    await asyncio.to_thread(proxy.cut, cut_seconds)
    print(f"  {cut.injected_at:%H:%M:%S} {cut.name} for {cut_seconds:g} s", flush=True)
    await asyncio.sleep(cut_seconds)
    cut.restarted_at = cut.ready_at = utc_now()
    faults.append(cut)
    await asyncio.sleep(gap_seconds)
    return faults
