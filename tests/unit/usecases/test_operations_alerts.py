"""A message dead-lettered anywhere: one content-free alert to the operators per dead letter,
e-mailed to each operator once (retried while the failure may clear), readable by a
trust-wide admin of the trust the message named."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from contracts.vocabulary import Role
from services.common.auth import Principal
from services.common.dead_letter_headers import DeadLetter
from services.common.errors import NotFound
from services.notification.channels import DeliveryError
from services.notification.usecases.alert_operators import alert_operators
from services.notification.usecases.notify_operators import notify_operators
from services.notification.usecases.read_operations_alerts import read_operations_alerts
from tests.support.notification_ports import TRUST_ID, alerting_world

OPERATORS = ("ops@trust.example.org", "oncall@trust.example.org")


def dead_letter(**changes) -> DeadLetter:
    return replace(
        DeadLetter(
            service="records",
            queue="records.chronology",
            reason="rejected",
            count=1,
            message_id="3f1c2b8e-0000-4000-8000-000000000001",
            event_type="intake.concern.raised.v1",
            trust_id=TRUST_ID,
            died_at=datetime(2026, 3, 10, 9, 30, tzinfo=UTC),
        ),
        **changes,
    )


class Outbox:
    """Stands in for the SMTP channel: remembers what it sent, fails whom it is told to."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []
        self.failing: dict[str, DeliveryError] = {}

    async def send(self, to: str, subject: str, body: str) -> None:
        if to in self.failing:
            raise self.failing[to]
        self.sent.append((to, subject, body))


@pytest.fixture
async def ports():
    world = await alerting_world(channels=frozenset({"email"}))
    return replace(world.ports, operators=OPERATORS)


async def _send_due(ports, outbox: Outbox) -> int:
    due = await ports.store.operations.due(ports.clock.now(), 20)
    return sum([await notify_operators(ports, outbox.send, alert_id) for alert_id in due])


async def test_a_dead_letter_is_one_alert_however_often_its_copy_arrives(ports):
    assert await alert_operators(ports, dead_letter()) is True
    assert await alert_operators(ports, dead_letter()) is False

    alerts = await ports.store.operations.of_trust(TRUST_ID, 10)
    assert len(alerts) == 1
    assert alerts[0]["queue"] == "records.chronology"


async def test_the_same_message_dead_lettered_again_after_a_replay_is_a_new_alert(ports):
    await alert_operators(ports, dead_letter())
    await alert_operators(ports, dead_letter(count=2))
    await alert_operators(ports, dead_letter(queue="case.deadlines", service="case"))

    assert len(await ports.store.operations.of_trust(TRUST_ID, 10)) == 3


async def test_each_operator_is_emailed_once_and_the_email_carries_no_content(ports):
    outbox = Outbox()
    await alert_operators(ports, dead_letter())
    await alert_operators(ports, dead_letter())  # the copy again

    assert await _send_due(ports, outbox) == 1
    assert await _send_due(ports, outbox) == 0

    assert sorted(to for to, _, _ in outbox.sent) == sorted(OPERATORS)
    _, subject, body = outbox.sent[0]
    assert subject == "Harbour: a message was dead-lettered in records"
    assert "records.chronology" in body and "harbour dlq list records" in body
    assert dead_letter().message_id in body
    assert TRUST_ID not in body  # ids of services and messages only


async def test_a_transient_failure_is_retried_after_a_pause_and_a_permanent_one_is_not(ports):
    outbox = Outbox()
    outbox.failing[OPERATORS[0]] = DeliveryError(transient=True, reason="smtp 421")
    outbox.failing[OPERATORS[1]] = DeliveryError(transient=False, reason="smtp 550")
    await alert_operators(ports, dead_letter())

    assert await _send_due(ports, outbox) == 1
    assert await _send_due(ports, outbox) == 0  # backing off
    outbox.failing.clear()
    ports.clock.advance(seconds=3)
    assert await _send_due(ports, outbox) == 1

    assert [to for to, _, _ in outbox.sent] == [OPERATORS[0]]
    [stored] = await ports.store.operations.alerts.find().to_list()
    states = {e["address"]: (e["state"], e["attempts"]) for e in stored["emails"]}
    assert states == {OPERATORS[0]: ("sent", 2), OPERATORS[1]: ("failed", 1)}
    assert await ports.store.operations.due(ports.clock.now(), 20) == []


async def test_without_email_the_alert_is_stored_and_counted_but_nothing_waits_to_be_sent():
    world = await alerting_world(channels=frozenset({"sms"}))
    ports = replace(world.ports, operators=OPERATORS)

    assert await alert_operators(ports, dead_letter()) is True

    assert await ports.store.operations.due(ports.clock.now(), 20) == []
    counted = ports.metrics.operations_alerts.labels("records")._value.get()
    assert counted == 1


async def test_a_trust_wide_admin_reads_the_dead_letters_of_their_own_trust_only(ports):
    await alert_operators(ports, dead_letter())
    await alert_operators(ports, dead_letter(message_id="other", trust_id="elm-trust"))
    await alert_operators(ports, dead_letter(message_id="poison", trust_id=None))

    mine = Principal("it-1", frozenset({Role.ADMIN}), None, TRUST_ID)
    found = await read_operations_alerts(ports, mine)

    assert [a["message_id"] for a in found] == [dead_letter().message_id]
    assert "emails" not in found[0]


@pytest.mark.parametrize(
    "principal",
    [
        Principal("admin-1", frozenset({Role.ADMIN}), "oak", TRUST_ID),
        Principal("lead-1", frozenset({Role.TRUST_SAFEGUARDING_LEAD}), None, TRUST_ID),
        Principal("dsl-1", frozenset({Role.DSL}), "oak", None),
    ],
)
async def test_nobody_else_reads_them(ports, principal):
    await alert_operators(ports, dead_letter())

    with pytest.raises(NotFound):
        await read_operations_alerts(ports, principal)
