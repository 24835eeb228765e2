"""Alerts as use cases: raising one per event, the escalator's first steps, acknowledging,
and amending a police notification's alert."""

import pytest

from contracts.intake_v1 import ENCOMPASS_AMENDED, EncompassAmended
from contracts.notification_v1 import ALERT_ACKNOWLEDGED
from contracts.vocabulary import Role
from services.common.errors import Forbidden, NotFound
from services.common.events import make_envelope
from services.notification.escalator import EscalationLoop
from services.notification.usecases.acknowledge_alert import acknowledge_alert
from services.notification.usecases.amend_alert import amend_alert
from services.notification.usecases.raise_alert import (
    raise_alert_for_concern,
    raise_alert_for_police_notification,
    raise_alerts_for_police_notifications,
)
from services.notification.usecases.read_alerts import list_alerts, read_alert
from tests.support.memory import outbox_of
from tests.support.notification_ports import AlertingWorld, alerting_world, person


@pytest.fixture
async def world() -> AlertingWorld:
    return await alerting_world()


async def escalate(world: AlertingWorld) -> int:
    return await EscalationLoop(world.ports, poll_seconds=1).one_pass()


# --- raising -----------------------------------------------------------------------------


async def test_a_concern_raises_one_alert_however_often_its_event_arrives(world):
    await world.staff_and_rota()
    event = world.concern()

    assert await raise_alert_for_concern(world.ports, event) is True
    world.ports.signals.escalation.clear()
    assert await raise_alert_for_concern(world.ports, event) is False

    assert await world.store.alerts.count_documents({}) == 1
    alert = await world.store.alert(event.event_id)
    assert (alert["source_type"], alert["source_id"]) == ("concern", event.payload.concern_id)
    assert alert["next_step_at"] == world.clock.now()  # the first step is due at once
    assert world.ports.signals.escalation.is_set()


async def test_immediate_danger_is_urgent_and_other_concerns_are_normal(world):
    urgent, normal = world.concern(immediate_danger=True), world.concern()
    await raise_alert_for_concern(world.ports, urgent)
    await raise_alert_for_concern(world.ports, normal)

    assert (await world.store.alert(urgent.event_id))["priority"] == "urgent"
    assert (await world.store.alert(normal.event_id))["priority"] == "normal"


async def test_a_police_notification_is_an_encompass_alert_with_its_content(world):
    event = world.police_notification()
    await raise_alert_for_police_notification(world.ports, event)

    alert = await world.store.alert(event.event_id)
    assert alert["priority"] == "encompass"
    assert alert["revision"] == 1
    assert alert["content"]["police_action"] == "Words of advice."


@pytest.mark.parametrize("with_rota", [True, False])
async def test_a_police_batchs_alerts_are_the_alerts_each_event_raises_alone(with_rota):
    together, alone = await alerting_world(), await alerting_world()
    if with_rota:
        await together.staff_and_rota()
        await alone.staff_and_rota()
    batch = [together.police_notification() for _ in range(3)]

    assert await raise_alerts_for_police_notifications(together.ports, batch) == [True] * 3
    assert together.ports.signals.escalation.is_set() is with_rota
    assert await raise_alerts_for_police_notifications(together.ports, batch) == [False] * 3
    for event in batch:
        await raise_alert_for_police_notification(alone.ports, event)

    assert await together.store.alerts.count_documents({}) == 3
    for event in batch:
        assert await together.store.alert(event.event_id) == await alone.store.alert(event.event_id)
    due = together.clock.now()
    timed = sorted(event.event_id for event in batch) if with_rota else []
    assert sorted(await together.store.alert_timers.due(due, 10)) == timed


# --- the escalator's first steps ---------------------------------------------------------


async def test_the_first_tier_is_alerted_at_once_and_the_next_step_is_timed(world):
    await world.staff_and_rota(normal_step_seconds=600)
    event = world.concern()
    await raise_alert_for_concern(world.ports, event)

    assert await escalate(world) == 1

    assert await world.tiers_taken(event.event_id) == [(1, "initial")]
    deliveries = await world.store.deliveries_of_alert(event.event_id)
    assert {(d["user_id"], d["channel"], d["state"]) for d in deliveries} == {
        ("dsl-1", "email", "pending"),
        ("dsl-1", "sms", "pending"),
    }
    alert = await world.store.alert(event.event_id)
    assert alert["step_tiers"] == [0]
    assert (alert["next_step_at"] - world.clock.now()).total_seconds() == 600
    assert await escalate(world) == 0  # not due again until then


async def test_the_timer_climbs_one_tier_per_step(world):
    await world.staff_and_rota(normal_step_seconds=600)
    event = world.concern()
    await raise_alert_for_concern(world.ports, event)
    await escalate(world)

    world.clock.advance(seconds=600)
    await escalate(world)

    assert await world.tiers_taken(event.event_id) == [(1, "initial"), (2, "timer")]


async def test_an_urgent_alert_reaches_every_tier_at_once_and_has_no_timer(world):
    await world.staff_and_rota()
    event = world.concern(immediate_danger=True)
    await raise_alert_for_concern(world.ports, event)

    await escalate(world)

    assert await world.tiers_taken(event.event_id) == [(1, "urgent"), (2, "urgent"), (3, "urgent")]
    assert (await world.store.alert(event.event_id))["next_step_at"] is None


async def test_an_alert_waits_for_a_rota_and_starts_when_the_school_gets_one(world):
    event = world.concern()
    await raise_alert_for_concern(world.ports, event)
    await escalate(world)
    assert (await world.store.alert(event.event_id))["awaiting_rota"] is True

    await world.staff_and_rota()
    await escalate(world)

    assert await world.tiers_taken(event.event_id) == [(1, "initial")]
    assert (await world.store.alert(event.event_id))["awaiting_rota"] is False


async def test_an_alert_stored_waiting_for_a_rota_sets_no_timer_for_the_escalator(world):
    event = world.concern()
    await raise_alert_for_concern(world.ports, event)

    alert = await world.store.alert(event.event_id)
    assert (alert["awaiting_rota"], alert["next_step_at"]) == (True, None)
    assert await world.store.alert_timers.due(world.clock.now(), 10) == []
    assert await escalate(world) == 0


async def test_a_rota_another_replica_stored_unseen_here_still_starts_the_alert(world):
    await raise_alert_for_concern(world.ports, world.concern())  # this process: no rota
    await world.staff_and_rota()
    # As if the rota had been stored by another replica whose news has not arrived: this
    # process still holds "no rota" for the school.
    await world.store.rota_cache.get(world.school.school_id, _no_rota)
    event = world.concern()
    await raise_alert_for_concern(world.ports, event)
    await escalate(world)

    assert await world.tiers_taken(event.event_id) == [(1, "initial")]
    assert (await world.store.alert(event.event_id))["awaiting_rota"] is False


async def test_an_alert_with_nothing_more_due_leaves_no_timer_behind(world):
    await world.staff_and_rota()
    event = world.concern(immediate_danger=True)  # every tier at once
    await raise_alert_for_concern(world.ports, event)

    await escalate(world)

    assert (await world.store.alert(event.event_id))["next_step_at"] is None
    assert await world.store.alert_timers.due(world.clock.now(), 10) == []


async def _no_rota() -> None:
    return None


# --- acknowledging -----------------------------------------------------------------------


async def raised_and_reached(world: AlertingWorld) -> str:
    await world.staff_and_rota()
    event = world.concern()
    await raise_alert_for_concern(world.ports, event)
    await escalate(world)
    return event.event_id


async def test_the_first_acknowledgement_stands_and_is_published_once(world):
    alert_id = await raised_and_reached(world)
    first = await acknowledge_alert(world.ports, person("dsl-1"), alert_id)
    world.clock.advance(minutes=1)
    second = await acknowledge_alert(world.ports, person("deputy-1", Role.DEPUTY_DSL), alert_id)

    assert first["acknowledged_by"] == second["acknowledged_by"] == "dsl-1"
    assert second["acknowledged_at"] == first["acknowledged_at"]
    assert await outbox_of(world.store.alerts, alert_id) == [ALERT_ACKNOWLEDGED]
    assert world.relay.enqueued == [("alerts", alert_id)]
    assert first["next_step_at"] is None
    assert await world.store.alert_timers.due(world.clock.now(), 10) == []


async def test_acknowledging_stops_the_ladder(world):
    alert_id = await raised_and_reached(world)
    await acknowledge_alert(world.ports, person("dsl-1"), alert_id)

    world.clock.advance(hours=2)
    await escalate(world)

    assert await world.tiers_taken(alert_id) == [(1, "initial")]


async def test_only_members_of_the_rota_may_acknowledge(world):
    alert_id = await raised_and_reached(world)

    with pytest.raises(Forbidden):
        await acknowledge_alert(world.ports, person("dsl-9"), alert_id)  # a DSL off the rota
    with pytest.raises(NotFound):
        await acknowledge_alert(world.ports, person("teacher-1", Role.STAFF), alert_id)
    with pytest.raises(NotFound):
        await acknowledge_alert(world.ports, person("dsl-1", school_id="elm"), alert_id)
    assert (await world.store.alert(alert_id))["acknowledged_at"] is None
    assert world.relay.enqueued == []


async def test_rota_members_read_their_schools_alerts_and_staff_read_none(world):
    alert_id = await raised_and_reached(world)
    head = person("head-1", Role.HEADTEACHER)  # not a DSL: sees alerts because of the rota

    assert [a["_id"] for a in await list_alerts(world.ports, head)] == [alert_id]
    detail = await read_alert(world.ports, head, alert_id)
    assert [s["tier"] for s in detail.steps] == [0]
    assert len(detail.deliveries) == 2
    with pytest.raises(NotFound):
        await list_alerts(world.ports, person("teacher-1", Role.STAFF))
    with pytest.raises(NotFound):
        await read_alert(world.ports, person("dsl-1", school_id="elm"), alert_id)


# --- amending a police notification's alert ----------------------------------------------


def amended(world: AlertingWorld, notified, revision: int, police_action: str):
    payload = EncompassAmended.model_validate(
        {
            **notified.payload.model_dump(),
            "revision": revision,
            "police_action": police_action,
            "notified_event_id": notified.event_id,
        }
    )
    return make_envelope(
        ENCOMPASS_AMENDED,
        payload,
        trust_id=notified.trust_id,
        school_id=notified.school_id,
        subject=notified.subject,
        actor=notified.actor,
    )


async def test_an_amendment_shows_the_newer_content_and_never_an_older_one(world):
    notified = world.police_notification()
    await raise_alert_for_police_notification(world.ports, notified)

    assert await amend_alert(world.ports, amended(world, notified, 3, "Arrest made."))
    assert not await amend_alert(world.ports, amended(world, notified, 2, "Words of advice."))

    alert = await world.store.alert(notified.event_id)
    assert (alert["revision"], alert["content"]["police_action"]) == (3, "Arrest made.")
    assert "notified_event_id" not in alert["content"]


async def test_an_amendment_for_another_school_changes_nothing(world):
    notified = world.police_notification()
    await raise_alert_for_police_notification(world.ports, notified)
    elsewhere = amended(world, notified, 2, "Arrest made.").model_copy(update={"school_id": "elm"})

    assert not await amend_alert(world.ports, elsewhere)
    assert (await world.store.alert(notified.event_id))["revision"] == 1
