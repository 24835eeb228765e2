"""What a trust's IT sees of a running Harbour: metrics on every service, labelled by route
template and event type, and log lines that let one concern be followed from the request
that raised it through every service that handled it."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.support.api import School, concern_body, eventually
from tests.support.effects import wait_for_fanout
from tests.support.stack import SERVICES


async def exposition(url: str) -> str:
    async with httpx.AsyncClient() as http:
        response = await http.get(f"{url}/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


async def scrape(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = await exposition(url)
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def log_text(stack: Any, service: str) -> str:
    return Path(stack.run_log_dir / f"{service}.log").read_text()


async def log_lines(stack: Any, service: str, **match: str) -> list[dict[str, Any]]:
    """The service's JSON log lines that carry these fields."""
    lines = []
    for raw in (await asyncio.to_thread(log_text, stack, service)).splitlines():
        try:
            line = json.loads(raw)
        except ValueError:
            continue  # a line from before logging was configured
        if all(line.get(k) == v for k, v in match.items()):
            lines.append(line)
    return lines


async def test_every_service_counts_requests_by_route_and_events_by_type(
    clients, stack, school: School
):
    pupil = await school.add_pupil()
    concern_id = (await school.raise_concern(pupil)).json()["concern_id"]
    await wait_for_fanout(clients, school, pupil, concern_id)

    intake = await scrape(stack.url("intake"))
    route = {"route": "/v1/concerns", "method": "POST", "status": "202"}
    assert value(intake, "harbour_http_requests_total", **route) >= 1
    assert value(intake, "harbour_events_published_total", event_type="intake.concern.raised.v1")
    assert value(intake, "harbour_outbox_oldest_pending_seconds") < 60
    for service, queue in [
        ("notification", "notification.alerts"),
        ("records", "records.chronology"),
        ("case", "case.deadlines"),
    ]:
        samples = await scrape(stack.url(service))
        labels = {"queue": queue, "event_type": "intake.concern.raised.v1"}
        assert value(samples, "harbour_events_consumed_total", **labels, outcome="handled") >= 1
        assert value(samples, "harbour_event_handler_duration_seconds_count", **labels) >= 1
        assert (
            "harbour_dead_letter_queue_messages",
            (("queue", f"{service}.dlq"),),
        ) in samples
    notification = await scrape(stack.url("notification"))
    assert value(notification, "harbour_alerts_raised_total", source="concern") >= 1
    for service in SERVICES:
        text = await exposition(stack.url(service))
        assert pupil not in text and concern_id not in text


async def test_one_concern_can_be_followed_across_the_services_by_its_ids(
    clients, stack, school: School
):
    pupil = await school.add_pupil()
    request_id = "trace-" + pupil
    response = await school.intake.post(
        "/v1/concerns",
        json=concern_body(school.school_id, pupil),
        headers={**school.staff, "Idempotency-Key": request_id, "X-Request-ID": request_id},
    )
    assert response.status_code == 202
    assert response.headers["X-Request-ID"] == request_id
    concern_id = response.json()["concern_id"]
    await wait_for_fanout(clients, school, pupil, concern_id)

    # intake: the request, and the event it stored under that request's id.
    stored = await eventually(
        lambda: log_lines(stack, "intake", request_id=request_id, msg="events stored"), bool
    )
    [event_id] = stored[0]["stored_event_ids"]
    assert stored[0]["stored_correlation_ids"] == [concern_id]
    # Each consumer: every line it wrote while handling that event names it and its chain.
    for service in ("notification", "records", "case"):
        handled = await eventually(
            lambda s=service: log_lines(stack, s, event_id=event_id),
            lambda lines: any(line["msg"] == "event handled" for line in lines),
        )
        assert handled, service
        for line in handled:
            assert line["correlation_id"] == concern_id
            assert "causation_id" in line
            assert line["event_type"] == "intake.concern.raised.v1"
    # No log line anywhere carries what the teacher wrote.
    for service in SERVICES:
        text = await asyncio.to_thread(log_text, stack, service)
        assert "Bruise on left forearm" not in text and "my tablet" not in text
