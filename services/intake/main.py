"""intake: composition root and process entry (API, outbox relay, departures loop)."""

from __future__ import annotations

from fastapi import FastAPI

from services.common.app import principal_dependency, serve, service_app
from services.common.logs import configure_logging
from services.common.runtime import ServiceRuntime
from services.intake import (
    api,
    api_encompass,
    api_my_concerns,
    api_pupil_search,
    api_roster,
    api_school_list,
    api_senders,
)
from services.intake.body_limits import INTAKE_BODY_LIMITS
from services.intake.encompass_intake import EncompassIntake
from services.intake.leavers import departures_loop
from services.intake.roster_import import RosterImporter
from services.intake.secret_box import SecretBox
from services.intake.settings import IntakeSettings
from services.intake.store import IntakeStore


def build_app(settings: IntakeSettings) -> FastAPI:
    runtime = ServiceRuntime("intake", settings)
    store = IntakeStore(runtime.db)
    runtime.on_startup(store.ensure_indexes)
    runtime.relay.watch(store.schools, store.pupils, store.notifications)
    # A concern is written once, with its event; only the relay touches it afterwards.
    runtime.relay.watch(store.concerns, write_once=True)
    runtime.run_loop(
        "departures",
        departures_loop(store, runtime.relay, runtime.locks, settings.leaver_check_seconds),
    )
    principal = principal_dependency(settings)
    importer = RosterImporter(store, runtime.relay, runtime.locks)
    encompass = EncompassIntake(store, runtime.relay, runtime.locks)
    secret_box = SecretBox(settings.secrets_keys())
    routers = [
        api.router(store, runtime.relay, runtime.locks, principal),
        api_roster.router(store, importer, principal),
        api_senders.router(store, runtime.locks, secret_box, principal),
        api_encompass.router(store, encompass, secret_box, principal),
        api_pupil_search.router(store, principal),
        api_my_concerns.router(store, principal),
        api_school_list.router(store, principal),
    ]
    return service_app("Harbour intake", runtime, routers, body_limits=INTAKE_BODY_LIMITS)


def main() -> None:
    settings = IntakeSettings()
    configure_logging(settings.log_level, "intake")
    serve(build_app(settings), settings.host, settings.port)


if __name__ == "__main__":
    main()
