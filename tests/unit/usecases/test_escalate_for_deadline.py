"""A deadline approaching or breached climbs the alert behind it, or an alert of its own."""

import asyncio

import pytest

from contracts.case_v1 import DEADLINE_APPROACHING, DEADLINE_BREACHED, phase_event_id
from services.notification.escalator import EscalationLoop
from services.notification.usecases.acknowledge_alert import acknowledge_alert
from services.notification.usecases.escalate_for_deadline import escalate_for_deadline
from services.notification.usecases.raise_alert import raise_alert_for_concern
from tests.support.notification_ports import AlertingWorld, alerting_world, person

FOUR_TIERS = [["dsl-1"], ["deputy-1"], ["deputy-2"], ["head-1"]]


@pytest.fixture
async def world() -> AlertingWorld:
    world = await alerting_world()
    await world.staff_and_rota(FOUR_TIERS)
    return world


async def reached_first_tier(world: AlertingWorld, **details: object) -> str:
    event = world.concern(**details)
    await raise_alert_for_concern(world.ports, event)
    await EscalationLoop(world.ports, poll_seconds=1).one_pass()
    return event.event_id


async def test_approaching_climbs_the_alert_that_started_the_deadline_one_tier(world):
    alert_id = await reached_first_tier(world)

    reached = await escalate_for_deadline(
        world.ports, world.deadline(DEADLINE_APPROACHING, alert_id)
    )

    assert reached == [1]
    assert await world.tiers_taken(alert_id) == [(1, "initial"), (2, "deadline_approaching")]


async def test_a_redelivered_deadline_event_climbs_no_further(world):
    alert_id = await reached_first_tier(world)
    approaching = world.deadline(DEADLINE_APPROACHING, alert_id)

    first = await escalate_for_deadline(world.ports, approaching)
    world.clock.advance(seconds=30)
    again = await escalate_for_deadline(world.ports, approaching)

    assert first == again == [1]
    assert await world.tiers_taken(alert_id) == [(1, "initial"), (2, "deadline_approaching")]


async def test_a_breach_also_reaches_the_last_tier(world):
    alert_id = await reached_first_tier(world)
    await escalate_for_deadline(world.ports, world.deadline(DEADLINE_APPROACHING, alert_id))

    reached = await escalate_for_deadline(world.ports, world.deadline(DEADLINE_BREACHED, alert_id))

    assert reached == [2, 3]
    assert await world.tiers_taken(alert_id) == [
        (1, "initial"),
        (2, "deadline_approaching"),
        (3, "deadline_breached"),
        (4, "deadline_breached"),
    ]


async def test_a_deadline_without_an_open_alert_makes_one_of_its_own(world):
    breached = world.deadline(DEADLINE_BREACHED, "pupil-left-event", rule="file-transfer")

    reached = await escalate_for_deadline(world.ports, breached)

    own = phase_event_id(breached.payload.deadline_id, "approaching")  # whichever phase
    alert = await world.store.alert(own)
    assert (alert["source_type"], alert["rule"]) == ("deadline", "file-transfer")
    assert alert["source_id"] == breached.payload.deadline_id
    assert alert["priority"] == "normal"
    assert reached == [0, 3]
    assert await world.store.alerts.count_documents({}) == 1


async def test_an_acknowledged_alert_is_not_climbed_the_deadline_gets_its_own_as_urgent(world):
    alert_id = await reached_first_tier(world, immediate_danger=True)
    await acknowledge_alert(world.ports, person("dsl-1"), alert_id)
    approaching = world.deadline(DEADLINE_APPROACHING, alert_id)

    await escalate_for_deadline(world.ports, approaching)

    own_id = phase_event_id(approaching.payload.deadline_id, "approaching")
    own = await world.store.alert(own_id)
    assert own["priority"] == "urgent"
    assert await world.tiers_taken(own_id) == [(1, "deadline_approaching")]
    assert (await world.store.alert(alert_id))["acknowledged_by"] == "dsl-1"


async def test_a_breach_climbs_the_alert_made_for_the_approaching_phase(world):
    approaching = world.deadline(DEADLINE_APPROACHING, "pupil-left-event", rule="file-transfer")
    # As case publishes it: the phase event's id is fixed by the deadline and the phase.
    approaching = approaching.model_copy(
        update={"event_id": phase_event_id(approaching.payload.deadline_id, "approaching")}
    )
    await escalate_for_deadline(world.ports, approaching)
    breached = world.deadline(DEADLINE_BREACHED, "pupil-left-event", rule="file-transfer")

    await escalate_for_deadline(world.ports, breached)

    assert await world.store.alerts.count_documents({}) == 1
    assert await world.tiers_taken(approaching.event_id) == [
        (1, "deadline_approaching"),
        (2, "deadline_breached"),
        (4, "deadline_breached"),
    ]


async def test_a_deadline_of_another_school_does_not_climb_this_schools_alert(world):
    alert_id = await reached_first_tier(world)
    elsewhere = world.deadline(DEADLINE_APPROACHING, alert_id).model_copy(
        update={"school_id": "elm"}
    )

    await escalate_for_deadline(world.ports, elsewhere)

    assert await world.tiers_taken(alert_id) == [(1, "initial")]


async def test_approaching_and_breached_handled_at_once_make_one_alert(world):
    """A deadline already past when it starts: both phases arrive together."""
    approaching = world.deadline(
        DEADLINE_APPROACHING, "referral-event", rule="social-care-feedback"
    )
    breached = world.deadline(DEADLINE_BREACHED, "referral-event", rule="social-care-feedback")

    await asyncio.gather(
        escalate_for_deadline(world.ports, breached),
        escalate_for_deadline(world.ports, approaching),
    )

    assert await world.store.alerts.count_documents({}) == 1
    own = phase_event_id(breached.payload.deadline_id, "approaching")
    # Breached first: tier 1 and the last at once; approaching then climbs to tier 2.
    assert [tier for tier, _ in await world.tiers_taken(own)] == [1, 2, 4]
