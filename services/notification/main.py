"""notification: composition root and process entry (API, consumers, outbox relay)."""

from __future__ import annotations

from fastapi import FastAPI

from services.common.app import principal_dependency, serve, service_app
from services.common.logs import configure_logging
from services.common.runtime import ServiceRuntime
from services.notification import consumers
from services.notification.api import router
from services.notification.settings import NotificationSettings
from services.notification.store import NotificationStore


def build_app(settings: NotificationSettings) -> FastAPI:
    runtime = ServiceRuntime("notification", settings)
    store = NotificationStore(runtime.db)
    runtime.on_startup(store.ensure_indexes)
    runtime.relay.watch(*store.with_outbox)
    consumers.register(runtime, store)
    api = router(store, principal_dependency(settings))
    return service_app("Harbour notification", runtime, [api])


def main() -> None:
    settings = NotificationSettings()
    configure_logging(settings.log_level, "notification")
    serve(build_app(settings), settings.host, settings.port)


if __name__ == "__main__":
    main()
