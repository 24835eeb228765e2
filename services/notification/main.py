"""notification: composition root and process entry (API, consumers, outbox relay, the
escalation loop and the delivery loop)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI

from contracts.admin_actions import AdminAction
from services.common.app import principal_dependency, serve, service_app
from services.common.clock import SystemClock
from services.common.logs import configure_logging
from services.common.metrics import sampling
from services.common.runtime import ServiceRuntime
from services.common.unit_of_work import DocumentWriter
from services.notification import api_alerts, api_operations, api_rota, consumers
from services.notification.channels.dispatch import enabled_channels
from services.notification.deliveries import DeliveryLoop
from services.notification.domain.delivery import RetryPolicy
from services.notification.escalator import EscalationLoop
from services.notification.metrics import NotificationMetrics
from services.notification.operators import OperatorsLoop
from services.notification.ports import DeliveryPolicy, NotificationPorts
from services.notification.settings import NotificationSettings
from services.notification.store import NotificationStore


def build_app(settings: NotificationSettings) -> FastAPI:
    runtime = ServiceRuntime("notification", settings)
    store = NotificationStore(runtime.db, school_cache_seconds=settings.school_cache_seconds)
    runtime.forget_on_change({AdminAction.ROTA_REPLACED: [store.rota_cache]})
    smtp, gateway = settings.smtp_config(), settings.gateway_config()
    ports = NotificationPorts(
        store=store,
        writer=DocumentWriter(runtime.locks, runtime.relay),
        locks=runtime.locks,
        clock=SystemClock(),
        channels=enabled_channels(smtp, gateway),
        delivery=DeliveryPolicy(
            retry=RetryPolicy(
                base_seconds=settings.delivery_retry_base_seconds,
                cap_seconds=settings.delivery_retry_cap_seconds,
                max_attempts=settings.delivery_max_attempts,
            ),
            lease=timedelta(seconds=settings.delivery_lease_seconds),
            public_base_url=str(settings.public_base_url),
        ),
        metrics=NotificationMetrics(runtime.metrics.registry),
        operators=settings.operators(),
    )
    runtime.on_startup(store.ensure_indexes)
    runtime.relay.watch(*store.with_outbox, store.admin_actions)
    escalation = EscalationLoop(ports, settings.escalation_poll_seconds)
    deliveries = DeliveryLoop(
        ports,
        smtp=smtp,
        gateway=gateway,
        poll_seconds=settings.delivery_poll_seconds,
        concurrency=settings.delivery_concurrency,
    )
    runtime.run_loop("escalator", escalation.run)
    runtime.run_loop("deliveries", deliveries.run)
    operators = OperatorsLoop(ports, smtp, settings.operations_poll_seconds)
    runtime.run_loop("operators", operators.run)
    runtime.run_loop(
        "metrics-sampler",
        sampling(settings.metrics_sample_seconds, lambda: ports.metrics.sample(store)),
    )
    consumers.register(runtime, ports)
    principal = principal_dependency(settings)
    routers = [
        api_alerts.router(ports, principal),
        api_rota.router(ports, principal),
        api_operations.router(ports, principal),
    ]
    return service_app("Harbour notification", runtime, routers)


def main() -> None:
    settings = NotificationSettings()
    configure_logging(settings.log_level, "notification")
    serve(build_app(settings), settings.host, settings.port, settings)


if __name__ == "__main__":
    main()
