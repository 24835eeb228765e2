"""What every service process runs under one lifespan: store, broker, topology,
consumers, the outbox relay and background loops, plus the health endpoints."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse
from faststream.rabbit import RabbitBroker
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from tenacity import AsyncRetrying, stop_after_delay, wait_exponential

from contracts import topology
from services.common.broker import EventPublisher, dead_letter_count, declare_topology, make_broker
from services.common.consuming import Handler, subscribe
from services.common.field_cipher import FieldCipher
from services.common.locks import DocumentLocks
from services.common.outbox import OutboxRelay
from services.common.settings import CommonSettings
from services.common.store import Document, make_client, ping

log = logging.getLogger("harbour.runtime")

Startup = Callable[[], Awaitable[None]]
Loop = Callable[[], Awaitable[None]]


class ServiceRuntime:
    def __init__(self, service: str, settings: CommonSettings) -> None:
        self.service = service
        self.settings = settings
        self.mongo: AsyncMongoClient[Document] = make_client(settings)
        self.db: AsyncDatabase[Document] = self.mongo[settings.database_name(service)]
        self.broker: RabbitBroker = make_broker(settings)
        self.locks = DocumentLocks(self.db["locks"], ttl=timedelta(seconds=30))
        # Free text and event bodies are sealed under each trust's data key at rest.
        self.cipher = FieldCipher(settings.data_key_encryption_keys(), self.db["data_keys"])
        self.relay = OutboxRelay(
            EventPublisher(self.broker, settings.publish_timeout_seconds),
            self.locks,
            cipher=self.cipher,
            poll_seconds=settings.relay_poll_seconds,
            sweep_seconds=settings.relay_sweep_seconds,
        )
        self._startup: list[Startup] = []
        self._loops: list[tuple[str, Loop]] = []
        self._tasks: list[asyncio.Task[None]] = []

    def consume(self, queue_name: str, handlers: Mapping[str, Handler]) -> None:
        spec = topology.queue(queue_name)
        if spec.service != self.service:
            raise ValueError(f"{queue_name} belongs to {spec.service}")
        subscribe(self.broker, spec, handlers, self.settings)

    def on_startup(self, step: Startup) -> None:
        self._startup.append(step)

    def run_loop(self, name: str, loop: Loop) -> None:
        self._loops.append((name, loop))

    @contextlib.asynccontextmanager
    async def lifespan(self, _: FastAPI) -> AsyncIterator[None]:
        await self._wait_for_dependencies()
        for step in self._startup:
            await step()
        await self.broker.start()
        self._start_loop("outbox-relay", self.relay.run)
        for name, loop in self._loops:
            self._start_loop(name, loop)
        log.info("%s started", self.service)
        try:
            yield
        finally:
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await self.broker.stop()
            await self.mongo.close()

    async def _wait_for_dependencies(self) -> None:
        # Start-up order of broker, store and services must not matter.
        async for attempt in AsyncRetrying(
            wait=wait_exponential(multiplier=0.2, max=3), stop=stop_after_delay(120), reraise=True
        ):
            with attempt:
                await ping(self.mongo)
                await self.broker.connect()
                await declare_topology(self.broker, self.settings)

    def _start_loop(self, name: str, loop: Loop) -> None:
        async def guarded() -> None:
            while True:
                try:
                    await loop()
                    return
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("%s crashed; restarting in 1 s", name)
                    await asyncio.sleep(1)

        self._tasks.append(asyncio.create_task(guarded(), name=name))

    async def readiness(self) -> tuple[bool, dict[str, Any]]:
        report: dict[str, Any] = {"service": self.service}
        ready = True
        try:
            await asyncio.wait_for(ping(self.mongo), 3)
            report["store"] = "ok"
        except Exception as exc:
            report["store"] = f"unreachable: {type(exc).__name__}"
            ready = False
        try:
            if not await self.broker.ping(timeout=3):
                raise ConnectionError("no answer")
            report["broker"] = "ok"
        except Exception as exc:
            report["broker"] = f"unreachable: {type(exc).__name__}"
            ready = False
        if ready and topology.queues_of(self.service):
            report["dead_letters"] = await dead_letter_count(self.broker, self.service)
        report["status"] = "ready" if ready else "not_ready"
        if report.get("dead_letters"):
            report["attention"] = (
                f"{report['dead_letters']} event(s) in {topology.dead_letter_queue(self.service)};"
                f" list them with `harbour dlq list {self.service}`"
            )
        return ready, report


def health_router(runtime: ServiceRuntime) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "alive", "service": runtime.service}

    @router.get("/readyz")
    async def readyz() -> JSONResponse:
        ready, report = await runtime.readiness()
        return JSONResponse(report, status_code=200 if ready else 503)

    return router
