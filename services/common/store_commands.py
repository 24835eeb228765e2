"""Store commands counted by (command, collection), from the driver's command monitoring.

Exposed at `/metrics` as `harbour_store_commands_total`: `make bench` divides the change
over a run by the concerns fanned out, to show which service and collection the path
spends its store round trips on. Counting is a dict increment per command (the listener
runs in the driver's thread, before the command is sent): cheap enough to leave on."""

from __future__ import annotations

import collections
from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector
from pymongo import monitoring

# Commands the driver sends for itself, not for our code.
_ADMIN = {"hello", "ismaster", "isMaster", "ping", "endSessions", "buildInfo", "saslStart"}


class StoreCommandCounts(monitoring.CommandListener, Collector):
    def __init__(self) -> None:
        self.counts: collections.Counter[tuple[str, str]] = collections.Counter()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        name = event.command_name
        if name in _ADMIN:
            return
        target = event.command.get(name)
        if name == "getMore":
            target = event.command.get("collection")
        self.counts[(name, target if isinstance(target, str) else "")] += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass

    def collect(self) -> Iterator[CounterMetricFamily]:
        family = CounterMetricFamily(
            "harbour_store_commands",
            "Store commands sent, by command and collection (driver command monitoring)",
            labels=["command", "collection"],
        )
        for (command, collection), n in sorted(self.counts.items()):
            family.add_metric([command, collection], n)
        yield family
