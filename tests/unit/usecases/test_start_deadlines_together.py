"""A police batch's children of one school start their clocks together: the same cases,
deadlines and timers as one by one; a repeat changes nothing; a meeting that came first
(the alert acknowledged before intake's event arrived) meets its deadline at once."""

from datetime import datetime

from services.case.usecases.meet_deadline import police_alert_acknowledged
from services.case.usecases.start_deadline import (
    police_notification_received,
    police_notifications_received,
)
from tests.support import case_world, events
from tests.support.case_world import OAK, deadline_of, looked_at_by
from tests.support.memory import FixedClock

SUNDAY_EVENING = datetime.fromisoformat("2026-03-08T20:00:00+00:00")


def batch(at: datetime) -> list:
    return [events.encompass_notified(OAK, pupil, received_at=at) for pupil in ("P1", "P2", "P3")]


async def test_the_same_cases_deadlines_and_timers_as_one_by_one():
    together, _ = await case_world.memory_case(FixedClock(SUNDAY_EVENING))
    alone, _ = await case_world.memory_case(FixedClock(SUNDAY_EVENING))
    notified = batch(SUNDAY_EVENING)

    await police_notifications_received(together, notified)
    await police_notifications_received(together, notified)  # redelivered
    for event in notified:
        await police_notification_received(alone, event)

    assert await together.store.deadlines.count_documents({}) == 3
    for event in notified:
        source_id = event.payload.notification_id
        case = await together.store.case(OAK.school_id, event.payload.pupil_id)
        assert case["sources"] == [source_id]
        mine, theirs = await deadline_of(together, source_id), await deadline_of(alone, source_id)
        assert mine == theirs  # every field, its outbox included
        assert mine["rule"] == "encompass-before-school"
    moment = (await deadline_of(together, notified[0].payload.notification_id))["due_at"]
    assert sorted(await looked_at_by(together, moment)) == sorted(await looked_at_by(alone, moment))
    assert len(await looked_at_by(together, moment)) == 3


async def test_an_alert_acknowledged_first_meets_its_deadline_as_it_is_stored():
    ports, _ = await case_world.memory_case(FixedClock(SUNDAY_EVENING))
    notified = batch(SUNDAY_EVENING)
    first = notified[1]
    ack = case_world.alert_acknowledged(first, first.payload.notification_id, SUNDAY_EVENING)
    await police_alert_acknowledged(ports, ack)  # notification's event overtook intake's

    await police_notifications_received(ports, notified)

    met = await deadline_of(ports, first.payload.notification_id)
    assert (met["status"], met["met_by"]) == ("met", ack.event_id)
    others = [await deadline_of(ports, e.payload.notification_id) for e in notified[::2]]
    assert [d["status"] for d in others] == ["open", "open"]
