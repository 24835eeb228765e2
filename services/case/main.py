"""case: composition root and process entry (API, consumers, outbox relay)."""

from __future__ import annotations

from fastapi import FastAPI

from services.case import consumers
from services.case.api import router
from services.case.api_calendar import router as calendar_router
from services.case.settings import CaseSettings
from services.case.store import CaseStore
from services.case.tracker import DeadlineTracker
from services.common.app import principal_dependency, serve, service_app
from services.common.logs import configure_logging
from services.common.runtime import ServiceRuntime


def build_app(settings: CaseSettings) -> FastAPI:
    runtime = ServiceRuntime("case", settings)
    store = CaseStore(runtime.db)
    runtime.on_startup(store.ensure_indexes)
    runtime.relay.watch(*store.with_outbox)
    tracker = DeadlineTracker(
        store,
        runtime.relay,
        runtime.locks,
        interval_seconds=settings.scheduler_interval_seconds,
        approaching_fraction=settings.approaching_fraction,
    )
    runtime.run_loop("deadline-scheduler", tracker.run)
    consumers.register(runtime, store, tracker)
    principal = principal_dependency(settings)
    api = [router(store, tracker, principal), calendar_router(store, tracker, principal)]
    return service_app("Harbour case", runtime, api)


def main() -> None:
    settings = CaseSettings()
    configure_logging(settings.log_level, "case")
    serve(build_app(settings), settings.host, settings.port)


if __name__ == "__main__":
    main()
