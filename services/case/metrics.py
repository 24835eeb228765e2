"""What case counts beyond every service's metrics: the statutory clock's deadlines."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge

from services.case.store import CaseStore


class CaseMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        registry = registry or CollectorRegistry()
        self.phases = Counter(
            "harbour_deadline_phases",
            "Deadlines that reached a phase (approaching, breached, met), by rule; each "
            "deadline reaches each phase once",
            ["rule", "phase"],
            registry=registry,
        )
        self.open = Gauge(
            "harbour_deadlines_open",
            "Open deadlines the statutory clock is watching, by phase (waiting: not yet "
            "approaching); sampled from the clock's timers",
            ["phase"],
            registry=registry,
        )

    def phase_reached(self, rule: str, phase: str) -> None:
        self.phases.labels(rule, phase).inc()

    async def sample(self, store: CaseStore) -> None:
        watched, approaching = await store.watched_deadline_counts()
        self.open.labels("waiting").set(watched - approaching)
        self.open.labels("approaching").set(approaching)
