"""Run a service with every store command timed: `python -m bench.store_stats SERVICE OUT`.

Used by `make bench BENCH_ARGS=--store-stats` to see which collections and commands the
services wait on (written to OUT as a table every few seconds and at exit)."""

from __future__ import annotations

import atexit
import collections
import runpy
import sys
import threading
import time
from pathlib import Path

from pymongo import monitoring


class _Timings(monitoring.CommandListener):
    def __init__(self) -> None:
        self.stats: dict[tuple[str, str], list[float]] = collections.defaultdict(
            lambda: [0, 0.0, 0.0]
        )
        self._collections: dict[int, str] = {}

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        target = event.command.get(event.command_name)
        self._collections[event.request_id] = target if isinstance(target, str) else ""

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        self._record(event.command_name, event.request_id, event.duration_micros)

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        self._record(event.command_name + " (failed)", event.request_id, event.duration_micros)

    def _record(self, command: str, request_id: int, micros: int) -> None:
        entry = self.stats[(command, self._collections.pop(request_id, ""))]
        entry[0] += 1
        entry[1] += micros / 1000
        entry[2] = max(entry[2], micros / 1000)

    def write(self, path: Path) -> None:
        rows = sorted(self.stats.items(), key=lambda kv: -kv[1][1])
        lines = [f"{'command':12} {'collection':22} {'n':>7} {'total ms':>10} {'avg ms':>8}"]
        for (command, collection), (n, total, _) in rows:
            lines.append(f"{command:12} {collection:22} {n:7.0f} {total:10.0f} {total / n:8.2f}")
        path.write_text("\n".join(lines) + "\n")


def main() -> None:
    service, out = sys.argv[1], Path(sys.argv[2])
    timings = _Timings()
    monitoring.register(timings)

    def keep_writing() -> None:
        while True:
            time.sleep(5)
            timings.write(out)

    threading.Thread(target=keep_writing, daemon=True).start()
    atexit.register(timings.write, out)
    sys.argv = [f"services.{service}.main"]
    runpy.run_module(f"services.{service}.main", run_name="__main__")


if __name__ == "__main__":
    main()
