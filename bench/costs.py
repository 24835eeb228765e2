"""What one fanned-out concern costs: CPU milliseconds per process (from /proc) and store
commands per service and collection (each service's `harbour_store_commands_total`), over
a window of the benchmark, divided by the concerns fanned out in it."""

from __future__ import annotations

import asyncio
import collections
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

TICK = os.sysconf("SC_CLK_TCK")
_SAMPLE = re.compile(r"^(\w+)\{([^}]*)\} ([0-9.e+]+)$")
_LABEL = re.compile(r'(\w+)="([^"]*)"')


def data_dir() -> Path:
    return Path(os.environ.get("HARBOUR_DATA_DIR", Path(__file__).resolve().parents[1] / ".data"))


def infrastructure_pids() -> dict[str, int]:
    """FerretDB and RabbitMQ as `make up` started them (pid files under the data dir)."""
    pids = {}
    for name, path in (("ferretdb", "run/ferretdb.pid"), ("rabbitmq", "rabbitmq/rabbitmq.pid")):
        try:
            pids[name] = int((data_dir() / path).read_text().strip())
        except (OSError, ValueError):
            continue
    return pids


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its waited-for children, in seconds."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / TICK


def parse_metrics(text: str, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    samples = {}
    for line in text.splitlines():
        match = _SAMPLE.match(line)
        if match and match.group(1) == name:
            labels = tuple(sorted(_LABEL.findall(match.group(2))))
            samples[labels] = float(match.group(3))
    return samples


async def store_commands(urls: dict[str, str]) -> dict[str, collections.Counter[str]]:
    """service → Counter of "command collection" (what its driver has sent so far)."""
    counts: dict[str, collections.Counter[str]] = {}
    async with httpx.AsyncClient(timeout=10) as client:
        for service, url in urls.items():
            text = (await client.get(f"{url}/metrics")).text
            counter: collections.Counter[str] = collections.Counter()
            for labels, value in parse_metrics(text, "harbour_store_commands_total").items():
                label = dict(labels)
                counter[f"{label['command']} {label['collection']}"] = int(value)
            counts[service] = counter
    return counts


async def outbox_empty(urls: dict[str, str], timeout: float = 60) -> None:
    """Wait until no service's relay holds unpublished events (their marks are counted)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    async with httpx.AsyncClient(timeout=10) as client:
        while loop.time() < deadline:
            pending = 0.0
            for url in urls.values():
                text = (await client.get(f"{url}/metrics")).text
                for line in text.splitlines():
                    if line.startswith("harbour_outbox_pending_events "):
                        pending += float(line.split()[1])
            if pending == 0:
                return
            await asyncio.sleep(0.2)


@dataclass
class Snapshot:
    cpu: dict[str, float]
    commands: dict[str, collections.Counter[str]]


@dataclass
class CostMeter:
    """Snapshots before and after a window; `per_concern` divides the difference."""

    service_urls: dict[str, str]
    pids: dict[str, int]
    start: Snapshot | None = field(default=None)

    async def snapshot(self) -> Snapshot:
        cpu = {name: cpu_seconds(pid) for name, pid in self.pids.items()}
        return Snapshot(cpu, await store_commands(self.service_urls))

    async def begin(self) -> None:
        self.start = await self.snapshot()

    async def per_concern(self, concerns: int) -> dict[str, Any]:
        assert self.start is not None
        await outbox_empty(self.service_urls)
        end = await self.snapshot()
        n = max(concerns, 1)
        cpu_ms = {
            name: round((end.cpu[name] - self.start.cpu.get(name, 0.0)) * 1000 / n, 2)
            for name in end.cpu
        }
        by_service: dict[str, Any] = {}
        total = 0
        for service, counter in end.commands.items():
            diff = counter - self.start.commands.get(service, collections.Counter())
            total += sum(diff.values())
            by_service[service] = {
                "total": round(sum(diff.values()) / n, 2),
                "by_command": {k: round(v / n, 2) for k, v in diff.most_common()},
            }
        return {
            "concerns": concerns,
            "cpu_ms_per_concern": cpu_ms,
            "cpu_ms_per_concern_total": round(sum(cpu_ms.values()), 2),
            "store_commands_per_concern": round(total / n, 2),
            "store_commands_by_service": by_service,
        }
