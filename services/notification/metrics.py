"""What notification counts beyond every service's metrics: alerts, escalation steps and
deliveries per channel, and dead-letter alerts to the operators."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge

from services.notification.store import NotificationStore


class NotificationMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        registry = registry or CollectorRegistry()
        self.alerts = Counter(
            "harbour_alerts_raised",
            "Alerts raised for a school's DSLs, by what raised them",
            ["source"],
            registry=registry,
        )
        self.steps = Counter(
            "harbour_escalation_steps",
            "Escalation steps taken (a tier notified), by reason",
            ["reason"],
            registry=registry,
        )
        self.deliveries = Counter(
            "harbour_deliveries",
            "Deliveries by channel and the state they reached (retrying: an attempt failed "
            "and will be made again; failed: given up, which climbs the ladder)",
            ["channel", "state"],
            registry=registry,
        )
        self.deliveries_pending = Gauge(
            "harbour_deliveries_pending",
            "Deliveries waiting to be sent or retried (sampled)",
            registry=registry,
        )
        self.alerts_escalating = Gauge(
            "harbour_alerts_escalating",
            "Unacknowledged alerts with a next escalation step planned (sampled)",
            registry=registry,
        )
        self.operations_alerts = Counter(
            "harbour_operations_alerts",
            "Dead letters the operators were alerted to, by the service whose queue it left",
            ["service"],
            registry=registry,
        )

    def alert_raised(self, source: str) -> None:
        self.alerts.labels(source).inc()

    def step_taken(self, reason: str) -> None:
        self.steps.labels(reason).inc()

    def delivery(self, channel: str, state: str) -> None:
        self.deliveries.labels(channel, state).inc()

    def operations_alert(self, service: str) -> None:
        self.operations_alerts.labels(service).inc()

    async def sample(self, store: NotificationStore) -> None:
        self.deliveries_pending.set(await store.delivery_timers.count())
        self.alerts_escalating.set(await store.alert_timers.count())
