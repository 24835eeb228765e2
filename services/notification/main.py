"""notification: composition root and process entry (API, consumers, outbox relay, the
escalation loop and the delivery loop)."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI

from services.common.app import principal_dependency, serve, service_app
from services.common.logs import configure_logging
from services.common.runtime import ServiceRuntime
from services.notification import api, api_rota, consumers
from services.notification.acknowledgements import Acknowledger
from services.notification.deliveries import DeliveryWorker, enabled_channels
from services.notification.domain.delivery import RetryPolicy
from services.notification.escalator import Escalator
from services.notification.rotas import RotaBook
from services.notification.settings import NotificationSettings
from services.notification.store import NotificationStore


def build_app(settings: NotificationSettings) -> FastAPI:
    runtime = ServiceRuntime("notification", settings)
    store = NotificationStore(runtime.db)
    rotas = RotaBook(store)
    smtp, gateway = settings.smtp_config(), settings.gateway_config()
    deliveries_due = asyncio.Event()
    acknowledger = Acknowledger(store, runtime.relay, runtime.locks)
    escalator = Escalator(
        store,
        rotas,
        runtime.locks,
        enabled_channels=enabled_channels(smtp, gateway),
        deliveries_due=deliveries_due,
        poll_seconds=settings.escalation_poll_seconds,
    )
    worker = DeliveryWorker(
        store,
        runtime.locks,
        smtp=smtp,
        gateway=gateway,
        escalate=escalator.escalate_now,
        due=deliveries_due,
        public_base_url=str(settings.public_base_url),
        retry=RetryPolicy(
            base_seconds=settings.delivery_retry_base_seconds,
            cap_seconds=settings.delivery_retry_cap_seconds,
            max_attempts=settings.delivery_max_attempts,
        ),
        poll_seconds=settings.delivery_poll_seconds,
        lease_seconds=settings.delivery_lease_seconds,
        concurrency=settings.delivery_concurrency,
    )
    runtime.on_startup(store.ensure_indexes)
    runtime.relay.watch(*store.with_outbox)
    runtime.run_loop("escalator", escalator.run)
    runtime.run_loop("deliveries", worker.run)
    consumers.register(runtime, store, escalator)
    principal = principal_dependency(settings)
    routers = [
        api.router(store, rotas, acknowledger, principal),
        api_rota.router(store, rotas, escalator, runtime.locks, principal),
    ]
    return service_app("Harbour notification", runtime, routers)


def main() -> None:
    settings = NotificationSettings()
    configure_logging(settings.log_level, "notification")
    serve(build_app(settings), settings.host, settings.port)


if __name__ == "__main__":
    main()
