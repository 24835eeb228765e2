"""Sending a delivery: sent, retried with back-off, finally failed (which climbs the ladder
at once), or cancelled because the alert was acknowledged first."""

import pytest

from services.notification.channels import DeliveryError
from services.notification.deliveries import DeliveryLoop
from services.notification.escalator import EscalationLoop
from services.notification.usecases.acknowledge_alert import acknowledge_alert
from services.notification.usecases.deliver import deliver
from services.notification.usecases.raise_alert import raise_alert_for_concern
from tests.support.notification_ports import AlertingWorld, alerting_world, person


class FakeDispatcher:
    """Sends nothing; remembers every notice and fails the channels it is told to."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []  # channel, address, headline's reason
        self.failing: dict[str, DeliveryError] = {}

    async def send(self, channel, address, notice, reference):
        if channel in self.failing:
            raise self.failing[channel]
        self.sent.append((channel, address, notice.reason))
        return f"provider-{reference}"


@pytest.fixture
async def world() -> AlertingWorld:
    world = await alerting_world()
    await world.staff_and_rota(normal_step_seconds=3600)
    return world


async def raised(world: AlertingWorld) -> str:
    event = world.concern()
    await raise_alert_for_concern(world.ports, event)
    await EscalationLoop(world.ports, poll_seconds=1).one_pass()
    return event.event_id


async def send_due(world: AlertingWorld, dispatcher: FakeDispatcher) -> int:
    loop = DeliveryLoop(world.ports, smtp=None, gateway=None, poll_seconds=1, concurrency=4)
    return await loop.one_pass(dispatcher)  # type: ignore[arg-type]


async def deliveries(world: AlertingWorld, alert_id: str) -> dict[tuple[int, str], dict]:
    found = await world.store.deliveries_of_alert(alert_id)
    return {(d["tier"] + 1, d["channel"]): d for d in found}


async def test_each_due_delivery_is_sent_once_and_its_timer_cleared(world):
    alert_id = await raised(world)
    dispatcher = FakeDispatcher()

    assert await send_due(world, dispatcher) == 2
    assert await send_due(world, dispatcher) == 0

    assert sorted(dispatcher.sent) == [
        ("email", "dsl-1@oak.sch.uk", "initial"),
        ("sms", "+447911123456", "initial"),
    ]
    sms = (await deliveries(world, alert_id))[(1, "sms")]
    assert (sms["state"], sms["attempts"], sms["provider_id"]) == (
        "sent",
        1,
        f"provider-{sms['_id']}",
    )
    assert await world.store.delivery_timers.due(world.clock.now(), 10) == []


async def test_a_transient_failure_is_retried_after_a_back_off(world):
    alert_id = await raised(world)
    dispatcher = FakeDispatcher()
    dispatcher.failing["sms"] = DeliveryError(transient=True, reason="gateway 503")

    await send_due(world, dispatcher)
    sms = (await deliveries(world, alert_id))[(1, "sms")]
    assert (sms["state"], sms["attempts"], sms["last_error"]) == ("pending", 1, "gateway 503")
    assert await send_due(world, dispatcher) == 0  # backing off

    del dispatcher.failing["sms"]
    world.clock.advance(seconds=2)
    assert await send_due(world, dispatcher) == 1
    assert (await deliveries(world, alert_id))[(1, "sms")]["state"] == "sent"


async def test_a_delivery_that_finally_fails_brings_the_next_tier_in_at_once(world):
    alert_id = await raised(world)
    dispatcher = FakeDispatcher()
    dispatcher.failing["sms"] = DeliveryError(transient=False, reason="gateway 400")

    await send_due(world, dispatcher)

    assert (await deliveries(world, alert_id))[(1, "sms")]["state"] == "failed"
    assert await world.tiers_taken(alert_id) == [(1, "initial"), (2, "delivery_failed")]
    await send_due(world, dispatcher)
    assert ("email", "deputy-1@oak.sch.uk", "delivery_failed") in dispatcher.sent


async def test_a_delivery_whose_alert_was_acknowledged_is_cancelled_not_sent(world):
    alert_id = await raised(world)
    await acknowledge_alert(world.ports, person("dsl-1"), alert_id)
    dispatcher = FakeDispatcher()

    await send_due(world, dispatcher)

    assert dispatcher.sent == []
    assert {d["state"] for d in (await deliveries(world, alert_id)).values()} == {"cancelled"}


async def test_a_delivery_being_sent_elsewhere_is_left_alone(world):
    alert_id = await raised(world)
    sms = (await deliveries(world, alert_id))[(1, "sms")]
    await world.store.lease_delivery(sms["_id"], world.clock.now() + world.ports.delivery.lease)
    dispatcher = FakeDispatcher()

    assert await deliver(world.ports, dispatcher, sms["_id"]) is False  # type: ignore[arg-type]

    assert dispatcher.sent == []
