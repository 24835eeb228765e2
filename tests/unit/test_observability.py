"""What every service exposes about itself: HTTP metrics labelled by route template (never a
raw path), request ids, the ids on every log line of a handler, the relay's backlog."""

from __future__ import annotations

import json
import logging
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from contracts import topology
from services.common import log_context
from services.common.app import observe_requests
from services.common.consuming import PermanentFailure, _deliver
from services.common.errors import Busy
from services.common.logs import JsonFormatter
from services.common.metrics import ServiceMetrics, metrics_router
from services.common.outbox_relay import OutboxRelay
from tests.support.events import concern_raised
from tests.unit.test_outbox_relay import FlakyCollection, pending_concern

SCHOOL = SimpleNamespace(school_id="oak", trust_id="oak-trust")


def sample(metrics: ServiceMetrics, name: str, **labels: str) -> float:
    value = metrics.registry.get_sample_value(name, labels)
    return 0.0 if value is None else value


@pytest.fixture
def app(tmp_path) -> tuple[FastAPI, ServiceMetrics]:
    metrics = ServiceMetrics("test")
    app = FastAPI()
    router = APIRouter()

    @router.get("/v1/children/{pupil_id}/chronology")
    async def chronology(pupil_id: str) -> dict[str, str]:
        return {"pupil_id": pupil_id}

    app.include_router(router)
    app.include_router(metrics_router(metrics))
    (tmp_path / "site.css").write_text("body {}")
    app.mount("/static", StaticFiles(directory=tmp_path), name="static")
    observe_requests(app, metrics)
    return app, metrics


async def _get(app: FastAPI, path: str, **headers: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.get(path, headers=headers)


async def test_requests_are_counted_by_route_template_and_never_by_raw_path(app):
    app, metrics = app
    for pupil in ("P123", "P456"):
        assert (await _get(app, f"/v1/children/{pupil}/chronology")).status_code == 200
    await _get(app, "/static/site.css")
    await _get(app, "/v1/children/P123/nowhere")

    route = "/v1/children/{pupil_id}/chronology"
    assert sample(metrics, "harbour_http_requests_total", route=route, method="GET", status="200")
    assert sample(metrics, "harbour_http_request_duration_seconds_count", route=route, method="GET")
    assert sample(
        metrics, "harbour_http_requests_total", route="/static/{path}", method="GET", status="200"
    )
    assert sample(
        metrics, "harbour_http_requests_total", route="unmatched", method="GET", status="404"
    )
    exposition = (await _get(app, "/metrics")).text
    assert "P123" not in exposition and "P456" not in exposition


async def test_a_request_id_is_kept_when_it_is_a_plain_id_and_made_up_otherwise(app):
    app, _ = app
    kept = await _get(app, "/v1/children/P1/chronology", **{"X-Request-ID": "web-42.a"})
    replaced = await _get(app, "/v1/children/P1/chronology", **{"X-Request-ID": "Amelia Hart"})
    made = await _get(app, "/v1/children/P1/chronology")

    assert kept.headers["X-Request-ID"] == "web-42.a"
    assert replaced.headers["X-Request-ID"] not in ("", "Amelia Hart")
    assert len(made.headers["X-Request-ID"]) == 32


def test_every_log_line_carries_the_ids_bound_around_it_and_its_own_extras_win():
    formatter = JsonFormatter()
    record = logging.LogRecord("harbour.x", logging.INFO, "", 0, "event handled", (), None)
    record.queue = "records.chronology"
    with (
        log_context.bound(event_id="e-1", correlation_id="c-1", causation_id=None),
        log_context.bound(queue="overridden-by-extra"),
    ):
        line = json.loads(formatter.format(record))
    outside = json.loads(formatter.format(record))

    assert line["event_id"] == "e-1" and line["correlation_id"] == "c-1"
    assert "causation_id" in line and line["causation_id"] is None
    assert line["queue"] == "records.chronology"
    assert "event_id" not in outside


class FakeMessage:
    """The parts of a FastStream RabbitMessage that consuming touches."""

    def __init__(self, body: bytes, message_id: str, redelivered: bool = False) -> None:
        self.body = body
        self.message_id = message_id
        self.raw_message = SimpleNamespace(redelivered=redelivered)
        self.settled: str | None = None

    async def ack(self) -> None:
        self.settled = "ack"

    async def nack(self, requeue: bool = True) -> None:
        self.settled = "nack"

    async def reject(self, requeue: bool = False) -> None:
        self.settled = "reject"


async def _consume(handler: Any, body: bytes, metrics: ServiceMetrics, **kw: Any) -> FakeMessage:
    message = FakeMessage(body, "m-1", **kw)
    handlers = {e: handler for e in topology.queue("records.chronology").routing_keys}
    await _deliver(message, "records.chronology", handlers, 0, metrics)  # type: ignore[arg-type]
    return message


async def test_handled_retried_and_rejected_messages_are_counted_and_timed():
    metrics = ServiceMetrics("records")
    event = concern_raised(SCHOOL, "P1")  # type: ignore[arg-type]
    body = event.model_dump_json().encode()
    seen: list[dict[str, Any]] = []

    async def ok(envelope: Any) -> None:
        seen.append(dict(log_context.current()))

    async def broken(envelope: Any) -> None:
        raise RuntimeError("bug")

    async def never(envelope: Any) -> None:
        raise PermanentFailure("cannot apply")

    assert (await _consume(ok, body, metrics, redelivered=True)).settled == "ack"
    assert (await _consume(broken, body, metrics)).settled == "nack"
    assert (await _consume(never, body, metrics)).settled == "reject"
    assert (await _consume(ok, b"{not json", metrics)).settled == "reject"

    q, t = "records.chronology", event.event_type
    for outcome in ("handled", "retried", "rejected"):
        counted = sample(
            metrics, "harbour_events_consumed_total", queue=q, event_type=t, outcome=outcome
        )
        assert counted == 1, outcome
    assert sample(
        metrics, "harbour_events_consumed_total", queue=q, event_type="invalid", outcome="rejected"
    )
    assert sample(metrics, "harbour_event_redeliveries_total", queue=q, event_type=t) == 1
    assert sample(metrics, "harbour_event_handler_duration_seconds_count", queue=q, event_type=t)
    assert sample(metrics, "harbour_events_dead_lettered_total", queue=q, reason="permanent")
    assert sample(metrics, "harbour_events_dead_lettered_total", queue=q, reason="invalid")
    assert seen == [
        {
            "event_id": event.event_id,
            "event_type": t,
            "correlation_id": event.correlation_id,
            "causation_id": None,
        }
    ]


async def test_a_document_locked_by_someone_else_is_retried_in_the_handler_not_redelivered():
    """A process killed while holding a lock leaves it until it expires (30 s): redelivering
    at once would spend the delivery limit meanwhile and dead-letter a good event."""
    metrics = ServiceMetrics("notification")
    body = concern_raised(SCHOOL, "P1").model_dump_json().encode()  # type: ignore[arg-type]
    attempts = 0

    async def locked_twice(envelope: Any) -> None:
        nonlocal attempts
        attempts += 1
        if attempts < 3:
            raise Busy("the record is being updated by someone else; try again")

    message = FakeMessage(body, "m-1")
    handlers = {e: locked_twice for e in topology.queue("records.chronology").routing_keys}
    await _deliver(message, "records.chronology", handlers, 30, metrics)  # type: ignore[arg-type]

    assert (message.settled, attempts) == ("ack", 3)


async def test_only_a_passing_failure_is_tried_again_and_only_for_the_time_allowed(monkeypatch):
    pauses: list[float] = []
    clock = [0.0]  # tenacity's, moved on by the pauses only

    async def no_wait(seconds: float) -> None:
        pauses.append(seconds)
        clock[0] += seconds

    monkeypatch.setattr("services.common.consuming.asyncio.sleep", no_wait)
    monkeypatch.setattr("tenacity.time", SimpleNamespace(monotonic=lambda: clock[0]))
    metrics = ServiceMetrics("case")
    body = concern_raised(SCHOOL, "P1").model_dump_json().encode()  # type: ignore[arg-type]
    calls: list[str] = []

    async def broken(envelope: Any) -> None:
        calls.append("broken")
        raise RuntimeError("bug")

    async def handled(envelope: Any) -> None:
        calls.append("handled")

    async def busy(envelope: Any) -> None:
        calls.append("busy")
        raise Busy("held by another writer")

    async def consume(handler: Any, retry_seconds: float) -> str | None:
        message = FakeMessage(body, "m-1")
        handlers = {e: handler for e in topology.queue("records.chronology").routing_keys}
        await _deliver(message, "records.chronology", handlers, retry_seconds, metrics)  # type: ignore[arg-type]
        return message.settled

    assert await consume(handled, 30) == "ack"
    assert await consume(broken, 30) == "nack"
    assert await consume(busy, 0) == "nack"
    assert calls == ["handled", "broken", "busy"]
    assert pauses == []  # nothing waited: a bug is redelivered, no time was allowed for busy

    assert await consume(busy, 30) == "nack"  # tried until the time allowed ran out
    assert pauses == [0.2, 0.4, 0.8, 1.6, 3.2, 5, 5, 5, 5, 5]
    assert sum(pauses[:-1]) < 30 <= sum(pauses)
    assert calls.count("busy") == 1 + 1 + len(pauses)


async def test_the_relay_knows_its_backlog_and_counts_what_it_publishes():
    metrics = ServiceMetrics("intake")
    failing = True

    async def publish(event_id: str, event_type: str, body: bytes) -> None:
        if failing:
            raise ConnectionError("broker away")

    relay = OutboxRelay(
        publish,
        poll_seconds=0.1,
        sweep_seconds=300,
        backoff=lambda _: 0.0,
        metrics=metrics,
    )
    metrics.watch_outbox(relay.backlog)
    document = pending_concern()
    document["outbox"] *= 2
    collection = FlakyCollection(document, failures=0)
    relay.watch(collection)  # type: ignore[arg-type]
    assert relay.backlog().documents == 0

    relay.enqueue(collection, "c-1")  # type: ignore[arg-type]
    assert (relay.backlog().documents, relay.backlog().events) == (1, 1)  # not read yet
    await relay.relay_once()
    assert (relay.backlog().documents, relay.backlog().events) == (1, 2)
    assert relay.backlog().oldest_seconds > 0
    assert sample(metrics, "harbour_outbox_pending_events") == 2

    failing = False
    document["relay_lease_until"] = pending_concern()["relay_lease_until"]  # lease over
    await relay.relay_once()

    assert relay.backlog().events == 0 and relay.backlog().oldest_seconds == 0
    event_type = document["outbox"][0]["event_type"]
    assert sample(metrics, "harbour_events_published_total", event_type=event_type) == 2
    assert sample(metrics, "harbour_event_publish_failures_total", event_type=event_type) == 1
