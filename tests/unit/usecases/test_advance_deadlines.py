"""The scheduler's pass: approaching, then breached, each announced exactly once."""

from datetime import timedelta

from contracts.case_v1 import DEADLINE_APPROACHING, DEADLINE_BREACHED, phase_event_id
from services.case.usecases.advance_deadlines import advance_deadlines, watch_open_deadlines
from services.case.usecases.start_deadline import concern_raised
from services.common.locks import lock_key
from tests.support import case_world
from tests.support.case_world import deadline_of, looked_at_by
from tests.support.memory import outbox_of


async def _concern(ports) -> dict:
    """A concern received now: triage due in 60 minutes, approaching after 45."""
    event = case_world.concern_raised(ports.clock.now())
    await concern_raised(ports, event)
    return await deadline_of(ports, event.payload.concern_id)


async def test_a_deadline_is_approaching_then_breached_once_each():
    ports, relay = await case_world.memory_case()
    deadline = await _concern(ports)

    ports.clock.advance(minutes=44)
    assert await advance_deadlines(ports) == 0
    ports.clock.advance(minutes=2)
    assert await advance_deadlines(ports) == 1
    assert await advance_deadlines(ports) == 0
    ports.clock.advance(minutes=15)
    assert await advance_deadlines(ports) == 1
    ports.clock.advance(minutes=15)
    assert await advance_deadlines(ports) == 0

    stored = await deadline_of(ports, deadline["source_id"])
    assert stored["status"] == "breached"
    assert await outbox_of(ports.store.deadlines, deadline["_id"]) == [
        DEADLINE_APPROACHING,
        DEADLINE_BREACHED,
    ]
    assert relay.enqueued == [("deadlines", deadline["_id"])] * 2
    assert await looked_at_by(ports, ports.clock.now() + timedelta(days=365)) == []


async def test_a_missed_approaching_still_warns_before_the_breach():
    ports, _ = await case_world.memory_case()
    deadline = await _concern(ports)

    ports.clock.advance(hours=3)  # nobody ran the scheduler meanwhile
    assert await advance_deadlines(ports) == 2

    stored = await ports.store.deadlines.find_one({"_id": deadline["_id"]})
    assert [entry["event_id"] for entry in stored["outbox"]] == [
        phase_event_id(deadline["_id"], "approaching"),
        phase_event_id(deadline["_id"], "breached"),
    ]
    assert stored["approaching_sent"] is True


async def test_a_deadline_another_replica_holds_is_left_to_it():
    ports, _ = await case_world.memory_case()
    deadline = await _concern(ports)
    ports.clock.advance(minutes=50)

    async with ports.locks.hold(lock_key(ports.store.deadlines, deadline["_id"])):
        assert await advance_deadlines(ports) == 0
    assert await advance_deadlines(ports) == 1


async def test_the_timer_waits_for_the_next_phase():
    ports, _ = await case_world.memory_case()
    deadline = await _concern(ports)
    received = ports.clock.now()

    assert await looked_at_by(ports, received + timedelta(minutes=44)) == []
    assert await looked_at_by(ports, received + timedelta(minutes=45)) == [deadline["_id"]]
    ports.clock.advance(minutes=45)
    await advance_deadlines(ports)
    assert await looked_at_by(ports, received + timedelta(minutes=59)) == []
    assert await looked_at_by(ports, received + timedelta(minutes=60)) == [deadline["_id"]]


async def test_at_start_every_open_deadline_gets_its_timer_back():
    ports, _ = await case_world.memory_case()
    deadline = await _concern(ports)
    await ports.store.look_at_deadline(deadline["_id"], None)  # as if lost

    assert await watch_open_deadlines(ports) == 1
    ports.clock.advance(minutes=61)
    assert await advance_deadlines(ports) == 2


async def test_a_deadline_that_no_longer_exists_loses_its_timer():
    ports, _ = await case_world.memory_case()
    await ports.store.look_at_deadline("dsl-triage:gone", ports.clock.now())

    assert await advance_deadlines(ports) == 0
    assert await looked_at_by(ports, ports.clock.now()) == []
