"""What every service process runs under one lifespan: store, broker, topology,
consumers, the outbox relay and background loops, plus the health endpoints and metrics.

Stopping (SIGTERM): consumers stop taking messages at once (services.common.app calls
`stop_consuming` from the signal), handlers already running may finish for
`consumer_drain_seconds` while the background loops are cancelled, the relay publishes
what they stored, and the connections close; each step is bounded, so the process ends
within `shutdown_seconds` (9 s at most by these bounds, with the defaults). An event still
unpublished then is published by the next start's sweep, as after a crash."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse
from faststream.rabbit import RabbitBroker
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from tenacity import AsyncRetrying, stop_after_delay, wait_exponential

from contracts import topology
from contracts.admin_actions import AdminAction
from services.common.broker import EventPublisher, dead_letter_count, declare_topology, make_broker
from services.common.consuming import Handler, subscribe
from services.common.dead_letter_copies import DeadLetter, subscribe_dead_letters
from services.common.dead_letter_watch import DeadLetterWatch
from services.common.field_cipher import FieldCipher
from services.common.locks import DocumentLocks
from services.common.metrics import ServiceMetrics
from services.common.outbox_relay import OutboxRelay
from services.common.school_cache import SchoolCache
from services.common.school_changes import forget_on_change
from services.common.settings import CommonSettings
from services.common.store import Document, make_client, ping
from services.common.store_commands import StoreCommandCounts

log = logging.getLogger("harbour.runtime")

Startup = Callable[[], Awaitable[None]]
Loop = Callable[[], Awaitable[None]]


class ServiceRuntime:
    def __init__(self, service: str, settings: CommonSettings) -> None:
        self.service = service
        self.settings = settings
        self.store_commands = StoreCommandCounts()
        self.mongo: AsyncMongoClient[Document] = make_client(settings, [self.store_commands])
        self.db: AsyncDatabase[Document] = self.mongo[settings.database_name(service)]
        self.broker: RabbitBroker = make_broker(settings)
        self.locks = DocumentLocks(self.db["locks"], ttl=timedelta(seconds=30))
        # Free text and event bodies are sealed under each trust's data key at rest.
        self.cipher = FieldCipher(settings.data_key_encryption_keys(), self.db["data_keys"])
        self.metrics = ServiceMetrics(service)
        self.metrics.registry.register(self.store_commands)
        self.relay = OutboxRelay(
            EventPublisher(self.broker, settings.publish_timeout_seconds),
            cipher=self.cipher,
            poll_seconds=settings.relay_poll_seconds,
            sweep_seconds=settings.relay_sweep_seconds,
            mark_seconds=settings.relay_mark_seconds,
            metrics=self.metrics,
        )
        self.metrics.watch_outbox(self.relay.backlog)
        self.dead_letters: DeadLetterWatch | None = None
        if topology.queues_of(service):
            self.dead_letters = DeadLetterWatch(
                lambda: dead_letter_count(self.broker, service),
                self.metrics.dead_letter_messages.labels(topology.dead_letter_queue(service)),
                every_seconds=settings.dead_letter_sample_seconds,
                window_seconds=settings.ready_dead_letter_window_seconds,
            )
        self._startup: list[Startup] = []
        self._loops: list[tuple[str, Loop]] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping_consumers: asyncio.Future[None] | None = None
        self._stop_signalled_at = 0.0

    def consume(self, queue_name: str, handlers: Mapping[str, Handler]) -> None:
        spec = topology.queue(queue_name)
        if spec.service != self.service:
            raise ValueError(f"{queue_name} belongs to {spec.service}")
        subscribe(self.broker, spec, handlers, self.settings, self.metrics)

    def consume_dead_letters(self, handler: Callable[[DeadLetter], Awaitable[object]]) -> None:
        """Be told of every dead letter, whichever service's queue it left (one consumer
        purpose of the whole system: notification's)."""
        if topology.DEAD_LETTER_COPIES.split(".", 1)[0] != self.service:
            raise ValueError(f"{topology.DEAD_LETTER_COPIES} belongs to another service")
        subscribe_dead_letters(self.broker, handler, prefetch=self.settings.prefetch)

    def forget_on_change(self, caches: Mapping[AdminAction, Sequence[SchoolCache[Any]]]) -> None:
        """Drop a school from `caches` whenever any replica records one of the actions."""
        forget_on_change(self.broker, self.service, caches)

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
        self._relay_task = self._start_loop("outbox-relay", self.relay.run)
        if self.dead_letters is not None:
            self._start_loop("dead-letter-watch", self.dead_letters.run)
        for name, loop in self._loops:
            self._start_loop(name, loop)
        log.info("%s started", self.service)
        try:
            yield
        finally:
            await self._shut_down()

    def stop_consuming(self) -> None:
        """Take no more messages; handlers already running go on (called from SIGTERM, so
        that consumers stop while HTTP requests drain)."""
        if self._stopping_consumers is None:
            self._stop_signalled_at = asyncio.get_running_loop().time()
            self._stopping_consumers = asyncio.ensure_future(self._stop_subscribers())

    async def _stop_subscribers(self) -> None:
        # Each waits up to consumer_drain_seconds for its running handlers, then cancels its
        # consumer; a message delivered meanwhile is not handled and stays unacked, so the
        # broker gives it to another consumer once this connection closes.
        subscribers = self.broker.subscribers
        await asyncio.gather(*(s.stop() for s in subscribers), return_exceptions=True)

    async def _shut_down(self) -> None:
        loop = asyncio.get_running_loop()
        started = loop.time()
        self.stop_consuming()
        assert self._stopping_consumers is not None
        relay = self._relay_task
        others = [task for task in self._tasks if task is not relay]
        for task in others:
            task.cancel()
        # Handlers had consumer_drain_seconds from the signal (HTTP drained meanwhile).
        drain_until = self._stop_signalled_at + self.settings.consumer_drain_seconds + 0.5
        await _bounded(
            asyncio.gather(self._stopping_consumers, *others, return_exceptions=True),
            max(0.1, drain_until - loop.time()),
            "draining handlers",
        )
        # The events the last handlers and requests stored go out now rather than at the
        # next start's sweep (or another replica's, minutes later).
        relay.cancel()
        await asyncio.gather(relay, return_exceptions=True)
        await _bounded(self.relay.relay_once(everything=True), 2.5, "publishing the last events")
        await _bounded(self.broker.stop(), 1.5, "closing the broker connection")
        await _bounded(self.mongo.close(), 0.5, "closing the store connection")
        took_ms = round((loop.time() - started) * 1000)
        unpublished = self.relay.backlog().events  # left for the next start's sweep
        log.info(
            "%s stopped", self.service, extra={"duration_ms": took_ms, "unpublished": unpublished}
        )

    async def _wait_for_dependencies(self) -> None:
        # Start-up order of broker, store and services must not matter.
        async for attempt in AsyncRetrying(
            wait=wait_exponential(multiplier=0.2, max=3), stop=stop_after_delay(120), reraise=True
        ):
            with attempt:
                await ping(self.mongo)
                await self.broker.connect()
                await declare_topology(self.broker, self.settings)

    def _start_loop(self, name: str, loop: Loop) -> asyncio.Task[None]:
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

        task = asyncio.create_task(guarded(), name=name)
        self._tasks.append(task)
        return task

    async def readiness(self) -> tuple[bool, dict[str, Any]]:
        ready, report = await self._reachable()
        backlog = self.relay.backlog()
        report["outbox"] = {
            "pending_events": backlog.events,
            "oldest_pending_seconds": round(backlog.oldest_seconds, 1),
        }
        if backlog.oldest_seconds > self.settings.ready_outbox_age_seconds:
            ready = False
            report["outbox"]["problem"] = (
                f"an event has waited over {self.settings.ready_outbox_age_seconds:g} s"
                " to be published"
            )
        if self.dead_letters is not None and self.dead_letters.growing():
            ready = False
            report["dead_letters_growing"] = True
        report["status"] = "ready" if ready else "not_ready"
        return ready, report

    async def _reachable(self) -> tuple[bool, dict[str, Any]]:
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
        if report.get("dead_letters"):
            report["attention"] = (
                f"{report['dead_letters']} event(s) in {topology.dead_letter_queue(self.service)};"
                f" list them with `harbour dlq list {self.service}`"
            )
        return ready, report


async def _bounded(step: Awaitable[Any], seconds: float, what: str) -> None:
    try:
        await asyncio.wait_for(step, seconds)
    except TimeoutError:
        log.warning("stopping: gave up %s after %s s", what, seconds)
    except Exception as exc:
        log.warning("stopping: %s failed: %s", what, type(exc).__name__)


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
