"""notification when a school offers a child's file: the receiving school's rota gets a
content-free "incoming child protection file" alert; a DSL outside Harbour gets one e-mail
with the one-time link and nothing about the child (never the access code)."""

from datetime import UTC, datetime, timedelta

from contracts.envelope import Subject
from contracts.records_v1 import TRANSFER_OFFERED, TransferOffered
from services.common.events import SYSTEM, make_envelope
from services.notification.domain.messages import headline, link_email_body
from services.notification.usecases.deliver import _notice
from services.notification.usecases.file_offered import file_offered
from tests.support.notification_ports import alerting_world

AT = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)


def offered(route: str, **fields):
    return make_envelope(
        TRANSFER_OFFERED,
        TransferOffered(
            transfer_id="tr0123456789abcdef0123",
            attempt_id="of1",
            pupil_id="P1",
            route=route,
            offered_at=AT,
            **fields,
        ),
        trust_id="elm-trust",
        school_id="elm",
        subject=Subject(kind="child", id="P1"),
        actor=SYSTEM,
    )


async def test_a_file_offered_to_a_school_here_alerts_its_rota():
    world = await alerting_world()
    await world.staff_and_rota()
    event = offered("school", to_school_id="oak", to_trust_id="oak-trust")

    assert await file_offered(world.ports, event) is True
    assert await file_offered(world.ports, event) is False

    alert = await world.store.alert(event.event_id)
    assert (alert["school_id"], alert["source_type"], alert["pupil_id"]) == (
        "oak",
        "transfer",
        None,
    )
    notice = await _notice(world.ports, {"alert_id": event.event_id, "reason": "initial"})
    assert headline(notice) == "Incoming child protection file at Oak Primary"
    assert str(notice.alert_url).endswith("/transfers/incoming")


async def test_a_dsl_outside_harbour_is_sent_the_link_and_nothing_of_the_child():
    world = await alerting_world()
    event = offered(
        "email",
        recipient_email="dsl@hill.example.org",
        link_token="tok-abcdefghijklmnopqrst",
        link_expires_at=AT + timedelta(days=7),
    )

    assert await file_offered(world.ports, event) is True

    delivery = await world.store.delivery(f"{event.event_id}:email")
    assert (delivery["address"], delivery["state"], delivery["alert_id"]) == (
        "dsl@hill.example.org",
        "pending",
        None,
    )
    notice = await _notice(world.ports, delivery)
    body = link_email_body(notice)
    assert "/file-transfer/tok-abcdefghijklmnopqrst" in body and "17 March 2026" in body
    assert "P1" not in body
