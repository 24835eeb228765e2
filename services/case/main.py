"""case: composition root and process entry (API, consumers, outbox relay, deadline scheduler)."""

from __future__ import annotations

from functools import partial

from fastapi import FastAPI

from services.case import api_calendar, api_deadlines, api_triage, consumers
from services.case.metrics import CaseMetrics
from services.case.ports import CasePorts
from services.case.scheduler import run_deadline_scheduler
from services.case.settings import CaseSettings
from services.case.store import CaseStore
from services.common.app import principal_dependency, serve, service_app
from services.common.clock import SystemClock
from services.common.logs import configure_logging
from services.common.metrics import sampling
from services.common.runtime import ServiceRuntime
from services.common.unit_of_work import DocumentWriter


def build_app(settings: CaseSettings) -> FastAPI:
    runtime = ServiceRuntime("case", settings)
    store = CaseStore(runtime.db)
    runtime.on_startup(store.ensure_indexes)
    runtime.relay.watch(*store.with_outbox)
    ports = CasePorts(
        store,
        DocumentWriter(runtime.locks, runtime.relay),
        runtime.locks,
        SystemClock(),
        approaching_fraction=settings.approaching_fraction,
        metrics=CaseMetrics(runtime.metrics.registry),
    )
    runtime.run_loop(
        "metrics-sampler",
        sampling(settings.metrics_sample_seconds, lambda: ports.metrics.sample(store)),
    )
    runtime.run_loop(
        "deadline-scheduler",
        partial(run_deadline_scheduler, ports, settings.scheduler_interval_seconds),
    )
    consumers.register(runtime, ports)
    principal = principal_dependency(settings)
    routers = [
        api_deadlines.router(ports, principal),
        api_triage.router(ports, principal),
        api_calendar.router(ports, principal),
    ]
    return service_app("Harbour case", runtime, routers)


def main() -> None:
    settings = CaseSettings()
    configure_logging(settings.log_level, "case")
    serve(build_app(settings), settings.host, settings.port, settings)


if __name__ == "__main__":
    main()
