"""case: composition root and process entry (API, consumers, outbox relay, and the scheduler
of deadlines and overdue actions)."""

from __future__ import annotations

from functools import partial

from fastapi import FastAPI

from contracts.admin_actions import AdminAction
from services.case import (
    api_actions,
    api_adult_cases,
    api_calendar,
    api_case,
    api_context,
    api_deadlines,
    api_reviews,
    api_triage,
    consumers,
)
from services.case.metrics import CaseMetrics
from services.case.ports import CasePorts
from services.case.scheduler import run_deadline_scheduler
from services.case.settings import CaseSettings
from services.case.store import CaseStore
from services.case.store_adult_cases import ADULT_CASE_TEXT
from services.case.store_cases import CASE_TEXT
from services.common.app import principal_dependency, serve, service_app
from services.common.clock import SystemClock
from services.common.logs import configure_logging
from services.common.metrics import sampling
from services.common.runtime import ServiceRuntime
from services.common.unit_of_work import DocumentWriter


def build_app(settings: CaseSettings) -> FastAPI:
    runtime = ServiceRuntime("case", settings)
    store = CaseStore(
        runtime.db, runtime.cipher, school_cache_seconds=settings.school_cache_seconds
    )
    runtime.forget_on_change(
        {
            AdminAction.CALENDAR_REPLACED: [store.calendar_cache],
            AdminAction.PATTERN_RULES_REPLACED: [store.pattern_rules_cache],
        }
    )
    runtime.on_startup(store.ensure_indexes)
    runtime.relay.watch(*store.with_outbox, store.adult_reads)
    writer = DocumentWriter(runtime.locks, runtime.relay)
    # Written only through the writer: guarded by version, not by a store lock.
    writer.guard_by_version(store.cases, store.pattern_watch)
    writer.seal_fields(store.cases, CASE_TEXT)
    writer.seal_fields(store.adult_cases, ADULT_CASE_TEXT)
    ports = CasePorts(
        store,
        writer,
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
        api_case.router(ports, principal),
        api_actions.router(ports, principal),
        api_adult_cases.router(ports, principal),
        api_context.router(ports, principal),
        api_reviews.router(ports, principal),
    ]
    return service_app("Harbour case", runtime, routers)


def main() -> None:
    settings = CaseSettings()
    configure_logging(settings.log_level, "case")
    serve(build_app(settings), settings.host, settings.port, settings)


if __name__ == "__main__":
    main()
