"""Meeting a deadline: whichever arrives first, the deadline or its meeting; late, the breach
stands."""

from datetime import datetime, timedelta

from contracts.case_v1 import DEADLINE_APPROACHING, DEADLINE_BREACHED, DEADLINE_MET
from contracts.notification_v1 import AlertSource
from services.case.usecases.advance_deadlines import advance_deadlines
from services.case.usecases.meet_deadline import police_alert_acknowledged
from services.case.usecases.start_deadline import concern_raised, police_notification_received
from tests.support import case_world
from tests.support.case_world import deadline_of, looked_at_by
from tests.support.memory import FixedClock, outbox_of

UTC_SUNDAY_EVENING = datetime.fromisoformat("2026-03-08T20:00:00+00:00")


async def _world():
    return await case_world.memory_case(FixedClock(UTC_SUNDAY_EVENING))


async def test_an_acknowledged_police_alert_meets_encompass_before_school():
    ports, relay = await _world()
    notified = case_world.police_notification(ports.clock.now())
    notice_id = notified.payload.notification_id
    await police_notification_received(ports, notified)

    ports.clock.advance(minutes=20)
    ack = case_world.alert_acknowledged(notified, notice_id, ports.clock.now())
    await police_alert_acknowledged(ports, ack)

    deadline = await deadline_of(ports, notice_id)
    assert (deadline["status"], deadline["met_by"]) == ("met", ack.event_id)
    assert deadline["met_at"] == ports.clock.now()
    assert await outbox_of(ports.store.deadlines, deadline["_id"]) == [DEADLINE_MET]
    assert relay.enqueued == [("deadlines", deadline["_id"])]
    assert await looked_at_by(ports, ports.clock.now() + timedelta(days=7)) == []


async def test_an_acknowledgement_before_the_deadline_arrives_creates_it_met():
    ports, _ = await _world()
    notified = case_world.police_notification(ports.clock.now())
    notice_id = notified.payload.notification_id
    ack = case_world.alert_acknowledged(notified, notice_id, ports.clock.now())

    await police_alert_acknowledged(ports, ack)  # notification's event overtook intake's
    await police_notification_received(ports, notified)

    deadline = await deadline_of(ports, notice_id)
    assert (deadline["status"], deadline["met_by"]) == ("met", ack.event_id)
    assert await outbox_of(ports.store.deadlines, deadline["_id"]) == [DEADLINE_MET]
    assert await looked_at_by(ports, ports.clock.now() + timedelta(days=7)) == []


async def test_a_repeated_acknowledgement_or_notification_changes_nothing():
    ports, _ = await _world()
    notified = case_world.police_notification(ports.clock.now())
    notice_id = notified.payload.notification_id
    ack = case_world.alert_acknowledged(notified, notice_id, ports.clock.now())

    for _ in range(2):
        await police_alert_acknowledged(ports, ack)
        await police_notification_received(ports, notified)

    deadline = await deadline_of(ports, notice_id)
    assert await outbox_of(ports.store.deadlines, deadline["_id"]) == [DEADLINE_MET]


async def test_acknowledging_a_concerns_alert_does_not_meet_its_triage():
    ports, _ = await _world()
    raised = case_world.concern_raised(ports.clock.now())
    concern_id = raised.payload.concern_id
    await concern_raised(ports, raised)

    ack = case_world.alert_acknowledged(
        raised, concern_id, ports.clock.now(), kind=AlertSource.CONCERN
    )
    await police_alert_acknowledged(ports, ack)

    assert (await deadline_of(ports, concern_id))["status"] == "open"
    assert await ports.store.early_meets.count_documents({}) == 0


async def test_a_late_acknowledgement_keeps_the_breach_and_records_when():
    ports, _ = await _world()
    notified = case_world.police_notification(ports.clock.now())
    notice_id = notified.payload.notification_id
    await police_notification_received(ports, notified)
    ports.clock.advance(hours=13)  # Monday 09:00, the school day began at 08:45
    await advance_deadlines(ports)

    ack = case_world.alert_acknowledged(notified, notice_id, ports.clock.now())
    await police_alert_acknowledged(ports, ack)

    deadline = await deadline_of(ports, notice_id)
    assert deadline["status"] == "breached"
    assert (deadline["met_by"], deadline["met_late_at"]) == (ack.event_id, ports.clock.now())
    assert await outbox_of(ports.store.deadlines, deadline["_id"]) == [
        DEADLINE_APPROACHING,
        DEADLINE_BREACHED,
    ]
