"""records: composition root and process entry (API, consumers)."""

from __future__ import annotations

from fastapi import FastAPI

from services.common.app import principal_dependency, serve, service_app
from services.common.clock import SystemClock
from services.common.logs import configure_logging
from services.common.runtime import ServiceRuntime
from services.records import api_chronology, consumers
from services.records.ports import RecordsPorts
from services.records.settings import RecordsSettings
from services.records.store import RecordsStore


def build_app(settings: RecordsSettings) -> FastAPI:
    runtime = ServiceRuntime("records", settings)
    store = RecordsStore(runtime.db)
    runtime.on_startup(store.ensure_indexes)
    runtime.relay.watch(*store.with_outbox)
    ports = RecordsPorts(store, SystemClock())
    consumers.register(runtime, ports)
    routers = [api_chronology.router(ports, principal_dependency(settings))]
    return service_app("Harbour records", runtime, routers)


def main() -> None:
    settings = RecordsSettings()
    configure_logging(settings.log_level, "records")
    serve(build_app(settings), settings.host, settings.port, settings)


if __name__ == "__main__":
    main()
