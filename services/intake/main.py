"""intake: composition root and process entry (API, outbox relay, departures loop)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from fastapi import FastAPI

from contracts.admin_actions import AdminAction
from services.common.app import principal_dependency, serve, service_app
from services.common.clock import SystemClock
from services.common.logs import configure_logging
from services.common.runtime import ServiceRuntime
from services.common.unit_of_work import DocumentWriter
from services.intake import (
    api,
    api_adult_concerns,
    api_concerns,
    api_directory,
    api_encompass,
    api_roster,
    api_senders,
)
from services.intake.body_limits import INTAKE_BODY_LIMITS
from services.intake.ports import IntakePorts
from services.intake.sealed_fields import ADULT_CONCERN_TEXT, CONCERN_TEXT, NOTICE_TEXT
from services.intake.secret_box import SecretBox
from services.intake.settings import IntakeSettings
from services.intake.store import IntakeStore
from services.intake.usecases.publish_departures import publish_departures


def build_app(settings: IntakeSettings) -> FastAPI:
    runtime = ServiceRuntime("intake", settings)
    store = IntakeStore(
        runtime.db, runtime.cipher, school_cache_seconds=settings.school_cache_seconds
    )
    runtime.forget_on_change({AdminAction.SCHOOL_RECORDED: [store.school_cache]})
    runtime.on_startup(store.ensure_indexes)
    runtime.relay.watch(store.schools, store.pupils, store.notices, store.senders)
    runtime.relay.watch(store.concerns, store.admin_actions, store.adult_concerns)
    writer = DocumentWriter(runtime.locks, runtime.relay)
    writer.seal_fields(store.concerns, CONCERN_TEXT)
    writer.seal_fields(store.notices, NOTICE_TEXT)
    writer.seal_fields(store.adult_concerns, ADULT_CONCERN_TEXT)
    ports = IntakePorts(
        store,
        writer,
        SystemClock(),
        SecretBox(settings.secrets_keys()),
    )
    runtime.run_loop("departures", departures_loop(ports, settings.leaver_check_seconds))
    principal = principal_dependency(settings)
    routers = [
        api.router(ports, principal),
        api_concerns.router(ports, principal),
        api_adult_concerns.router(ports, principal),
        api_roster.router(ports, principal),
        api_senders.router(ports, principal),
        api_encompass.router(ports, principal),
        api_directory.router(ports, principal),
    ]
    return service_app("Harbour intake", runtime, routers, body_limits=INTAKE_BODY_LIMITS)


def departures_loop(ports: IntakePorts, every_seconds: float) -> Callable[[], Awaitable[None]]:
    """Leaving dates a roster named in the future come due as the days pass."""

    async def loop() -> None:
        while True:
            await publish_departures(ports)
            await asyncio.sleep(every_seconds)

    return loop


def main() -> None:
    settings = IntakeSettings()
    configure_logging(settings.log_level, "intake")
    serve(build_app(settings), settings.host, settings.port, settings)


if __name__ == "__main__":
    main()
