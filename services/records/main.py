"""records: composition root and process entry (API, consumers, outbox relay)."""

from __future__ import annotations

from functools import partial

from fastapi import FastAPI

from services.common.app import principal_dependency, serve, service_app
from services.common.clock import SystemClock
from services.common.logs import configure_logging
from services.common.runtime import ServiceRuntime
from services.common.unit_of_work import DocumentWriter
from services.records import (
    api_access,
    api_admin_audit,
    api_adult_cases,
    api_chronology,
    api_retention,
    api_transfer_links,
    api_transfers,
    consumers,
)
from services.records.domain.bundle import TransferKeys
from services.records.pdf import PdfRenderer
from services.records.ports import RecordsPolicy, RecordsPorts
from services.records.settings import RecordsSettings
from services.records.store import RecordsStore
from services.records.usecases.migrate_legacy import migrate_legacy_entries


def build_app(settings: RecordsSettings) -> FastAPI:
    runtime = ServiceRuntime("records", settings)
    store = RecordsStore(runtime.db, runtime.cipher)
    runtime.on_startup(store.ensure_indexes)
    runtime.relay.watch(*store.with_outbox)
    ports = RecordsPorts(
        store,
        DocumentWriter(runtime.locks, runtime.relay),
        SystemClock(),
        PdfRenderer(),
        TransferKeys.from_pem(settings.signing_key_pem()),
        RecordsPolicy(
            link_days=settings.transfer_link_days,
            code_attempts=settings.transfer_code_attempts,
            retention_years=settings.retention_years,
        ),
    )
    # Before the consumers start: old entries join their chains first.
    runtime.on_startup(partial(migrate_legacy_entries, ports))
    consumers.register(runtime, ports)
    principal = principal_dependency(settings)
    routers = [
        api_chronology.router(ports, principal),
        api_access.router(ports, principal),
        api_transfers.router(ports, principal),
        api_retention.router(ports, principal),
        api_transfer_links.router(ports),
        api_admin_audit.router(ports, principal),
        api_adult_cases.router(ports, principal),
    ]
    return service_app("Harbour records", runtime, routers)


def main() -> None:
    settings = RecordsSettings()
    configure_logging(settings.log_level, "records")
    serve(build_app(settings), settings.host, settings.port, settings)


if __name__ == "__main__":
    main()
