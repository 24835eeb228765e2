"""What every service process counts, exposed at `GET /metrics` (Prometheus text format).

One registry per process, built in the composition root (not prometheus_client's global
one), so that several apps in one test process never share counters. Labels are bounded:
route templates (never raw paths: ids must not become label values), queue names, event
types from the registry (a message that is not a known event is counted as "invalid"),
outcomes. Names and meanings are listed in README.md ("What to watch")."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    disable_created_metrics,
    generate_latest,
)

log = logging.getLogger("harbour.metrics")

# Seconds. A page or an API answer is expected well under a second; a handler can wait
# for a lock (5 s) or retry the store (up to HARBOUR_HANDLER_RETRY_SECONDS).
HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
HANDLER_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


@dataclass(frozen=True)
class OutboxBacklog:
    """What a relay knows it has not published yet (see OutboxRelay.backlog)."""

    documents: int
    events: int
    oldest_seconds: float


class ServiceMetrics:
    def __init__(self, service: str) -> None:
        self.service = service
        # No `*_created` series beside every counter: they double the exposition for nothing
        # an alert uses (the setting is process-wide, like the process itself).
        disable_created_metrics()
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        r = self.registry
        self.http_requests = Counter(
            "harbour_http_requests",
            "HTTP requests answered, by route template, method and status code",
            ["route", "method", "status"],
            registry=r,
        )
        self.http_seconds = Histogram(
            "harbour_http_request_duration_seconds",
            "Time to answer an HTTP request, by route template and method",
            ["route", "method"],
            buckets=HTTP_BUCKETS,
            registry=r,
        )
        self.events_consumed = Counter(
            "harbour_events_consumed",
            "Messages taken from a queue, by event type and outcome "
            "(handled: acked; retried: nacked for redelivery; rejected: dead-lettered at once)",
            ["queue", "event_type", "outcome"],
            registry=r,
        )
        self.handler_seconds = Histogram(
            "harbour_event_handler_duration_seconds",
            "Time from taking a message to acking, nacking or rejecting it",
            ["queue", "event_type"],
            buckets=HANDLER_BUCKETS,
            registry=r,
        )
        self.redeliveries = Counter(
            "harbour_event_redeliveries",
            "Messages that arrived with the AMQP redelivered flag (a consumer before failed "
            "or died holding them)",
            ["queue", "event_type"],
            registry=r,
        )
        self.dead_lettered = Counter(
            "harbour_events_dead_lettered",
            "Messages this process rejected to its dead-letter queue "
            "(invalid: not an event it knows; permanent: it can never be applied)",
            ["queue", "reason"],
            registry=r,
        )
        self.events_published = Counter(
            "harbour_events_published",
            "Events the outbox relay published (confirmed by the broker), by type",
            ["event_type"],
            registry=r,
        )
        self.publish_failures = Counter(
            "harbour_event_publish_failures",
            "Publishes that failed and will be retried, by event type",
            ["event_type"],
            registry=r,
        )
        self.outbox_pending_events = Gauge(
            "harbour_outbox_pending_events",
            "Events stored in an outbox that this process has not published yet",
            registry=r,
        )
        self.outbox_pending_documents = Gauge(
            "harbour_outbox_pending_documents",
            "Documents with events this process has not published yet",
            registry=r,
        )
        self.outbox_oldest_seconds = Gauge(
            "harbour_outbox_oldest_pending_seconds",
            "Age of the oldest event this process has not published yet (0: none)",
            registry=r,
        )
        self.dead_letter_messages = Gauge(
            "harbour_dead_letter_queue_messages",
            "Messages waiting in this service's dead-letter queue (sampled)",
            ["queue"],
            registry=r,
        )

    def watch_outbox(self, backlog: Callable[[], OutboxBacklog]) -> None:
        """Read the relay's backlog at each scrape (it is held in memory: no store call)."""
        self.outbox_pending_events.set_function(lambda: backlog().events)
        self.outbox_pending_documents.set_function(lambda: backlog().documents)
        self.outbox_oldest_seconds.set_function(lambda: backlog().oldest_seconds)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def sampling(
    every_seconds: float, sample: Callable[[], Awaitable[None]]
) -> Callable[[], Awaitable[None]]:
    """A background loop that refreshes gauges read from the store every few seconds
    (never at each scrape: a scrape must not cost the store anything)."""

    async def loop() -> None:
        while True:
            try:
                await sample()
            except Exception as exc:  # the store is away: readiness says so already
                log.debug("gauges not sampled: %s", type(exc).__name__)
            await asyncio.sleep(every_seconds)

    return loop


def metrics_router(metrics: ServiceMetrics) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/metrics", include_in_schema=False)
    async def exposition() -> Response:
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    return router
