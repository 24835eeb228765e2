"""intake: composition root and process entry (API, outbox relay)."""

from __future__ import annotations

from fastapi import FastAPI

from services.common.app import principal_dependency, serve, service_app
from services.common.logs import configure_logging
from services.common.runtime import ServiceRuntime
from services.intake.api import router
from services.intake.settings import IntakeSettings
from services.intake.store import IntakeStore


def build_app(settings: IntakeSettings) -> FastAPI:
    runtime = ServiceRuntime("intake", settings)
    store = IntakeStore(runtime.db)
    runtime.on_startup(store.ensure_indexes)
    runtime.relay.watch(*store.with_outbox)
    api = router(store, runtime.relay, runtime.locks, principal_dependency(settings))
    return service_app("Harbour intake", runtime, [api])


def main() -> None:
    settings = IntakeSettings()
    configure_logging(settings.log_level, "intake")
    serve(build_app(settings), settings.host, settings.port)


if __name__ == "__main__":
    main()
