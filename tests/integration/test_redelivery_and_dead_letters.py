"""Redelivered events change nothing; events that can never be handled are dead-lettered."""

import httpx

from contracts.intake_v1 import CONCERN_RAISED
from tests.support.api import School, eventually, unique
from tests.support.broker import dead_letters, publish_raw
from tests.support.effects import alerts_for, deadlines_for, entries_for, wait_for_fanout
from tests.support.events import concern_raised


def _concern_event(school: School, pupil: str):
    return concern_raised(school, pupil)


async def test_the_same_event_delivered_twice_has_one_effect_each(clients, stack, school):
    pupil = await school.add_pupil()
    event = _concern_event(school, pupil)
    body = event.model_dump_json().encode()

    await publish_raw(stack.rabbit_url, CONCERN_RAISED, body, event.event_id)
    await publish_raw(stack.rabbit_url, CONCERN_RAISED, body, event.event_id)

    concern_id = event.payload.concern_id
    await wait_for_fanout(clients, school, pupil, concern_id)
    more_than_one = lambda found: len(found) > 1  # noqa: E731
    alerts = await eventually(
        lambda: alerts_for(clients.notification, school, concern_id), more_than_one, timeout=3
    )
    assert len(alerts) == 1
    assert len(await entries_for(clients.records, school, pupil, concern_id)) == 1
    assert len(await deadlines_for(clients.case, school, pupil, concern_id)) == 1


async def test_an_unparseable_event_is_dead_lettered_and_reported(clients, stack):
    message_id = unique("poison")

    await publish_raw(stack.rabbit_url, CONCERN_RAISED, b"{not json", message_id)

    for service in ("notification", "records", "case"):
        found = await eventually(
            lambda s=service: dead_letters(stack.rabbit_url, s),
            lambda ms: any(m.message_id == message_id for m in ms),
        )
        assert any(m.message_id == message_id for m in found), service
        async with httpx.AsyncClient(base_url=stack.url(service)) as client:
            ready = (await client.get("/readyz")).json()
        assert ready["dead_letters"] >= 1
        assert "harbour dlq list" in ready["attention"]


async def test_an_event_with_an_invalid_payload_is_dead_lettered(clients, stack, school):
    pupil = await school.add_pupil()
    event = _concern_event(school, pupil).model_dump(mode="json")
    event["payload"]["categories"] = ["not-a-category"]
    message_id = event["event_id"]

    import json

    await publish_raw(stack.rabbit_url, CONCERN_RAISED, json.dumps(event).encode(), message_id)

    found = await eventually(
        lambda: dead_letters(stack.rabbit_url, "records"),
        lambda ms: any(m.message_id == message_id for m in ms),
    )
    assert any(m.message_id == message_id for m in found)
    assert await entries_for(clients.records, school, pupil, event["payload"]["concern_id"]) == []
