"""What case and notification count: each deadline phase once, the open deadlines the clock
watches, alerts, escalation steps and each delivery's outcome per channel."""

from services.case.domain.triage import TriageDecision
from services.case.usecases.advance_deadlines import advance_deadlines
from services.case.usecases.start_deadline import concern_raised
from services.case.usecases.triage_concern import triage_concern
from services.notification.channels import DeliveryError
from services.notification.metrics import NotificationMetrics
from tests.support import case_world
from tests.support.notification_ports import alerting_world
from tests.unit.usecases.test_deliver import FakeDispatcher, raised, send_due


def value(counter, *labels: str) -> float:
    return counter.labels(*labels)._value.get()


async def test_each_deadline_phase_is_counted_once_and_open_deadlines_by_phase():
    ports, _ = await case_world.memory_case()
    for _ in range(2):
        await concern_raised(ports, case_world.concern_raised(ports.clock.now()))
    await ports.metrics.sample(ports.store)
    assert value(ports.metrics.open, "waiting") == 2
    assert value(ports.metrics.open, "approaching") == 0

    ports.clock.advance(minutes=46)
    await advance_deadlines(ports)
    await advance_deadlines(ports)
    await ports.metrics.sample(ports.store)
    assert value(ports.metrics.phases, "dsl-triage", "approaching") == 2
    assert value(ports.metrics.open, "waiting") == 0
    assert value(ports.metrics.open, "approaching") == 2

    ports.clock.advance(minutes=15)
    await advance_deadlines(ports)
    await ports.metrics.sample(ports.store)
    assert value(ports.metrics.phases, "dsl-triage", "breached") == 2
    assert value(ports.metrics.open, "approaching") == 0


async def test_a_deadline_met_in_time_is_counted_as_met():
    ports, _ = await case_world.memory_case()
    event = case_world.concern_raised(ports.clock.now())
    await concern_raised(ports, event)

    decision = TriageDecision(pupil_id="P1", decision="monitor_in_school", reason="Known.")
    await triage_concern(ports, case_world.DSL, event.payload.concern_id, decision)

    assert value(ports.metrics.phases, "dsl-triage", "met") == 1


async def test_alerts_steps_and_delivery_outcomes_are_counted_per_channel():
    world = await alerting_world()
    await world.staff_and_rota(normal_step_seconds=3600)
    metrics: NotificationMetrics = world.ports.metrics
    await raised(world)
    dispatcher = FakeDispatcher()
    dispatcher.failing["sms"] = DeliveryError(transient=True, reason="gateway 503")

    await send_due(world, dispatcher)

    assert value(metrics.alerts, "concern") == 1
    assert value(metrics.steps, "initial") == 1
    assert value(metrics.deliveries, "email", "sent") == 1
    assert value(metrics.deliveries, "sms", "retrying") == 1
    await world.ports.metrics.sample(world.store)
    assert metrics.deliveries_pending._value.get() == 1
