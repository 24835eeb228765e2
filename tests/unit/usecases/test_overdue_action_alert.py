"""An overdue action on a child's case alerts the DSL rota (tier 1 at once, climbing as a
normal alert does) and its owner when the rota has them; the texts say an action is
overdue and nothing of the child or the action."""

import pytest

from contracts.case_v1 import ACTION_OVERDUE, ActionOverdue
from contracts.envelope import Subject
from services.common.events import SYSTEM, make_envelope
from services.notification.domain.delivery import notice_for, topic_of
from services.notification.domain.messages import email_body, sms_text
from services.notification.escalator import EscalationLoop
from services.notification.usecases.raise_alert import raise_alert_for_overdue_action
from tests.support.notification_ports import AlertingWorld, alerting_world


@pytest.fixture
async def world() -> AlertingWorld:
    world = await alerting_world()
    await world.staff_and_rota()  # dsl-1, then deputy-1, then head-1
    return world


def overdue(world: AlertingWorld, owner: str):
    return make_envelope(
        ACTION_OVERDUE,
        ActionOverdue(
            pupil_id="P1",
            action_id="act_1",
            title="Speak to mum at pick-up",
            owner_user_id=owner,
            due_on=world.clock.now().date(),
            overdue_at=world.clock.now(),
        ),
        trust_id="oak-trust",
        school_id="oak",
        subject=Subject(kind="child", id="P1"),
        actor=SYSTEM,
    )


async def _recipients(world: AlertingWorld, alert_id: str) -> list[tuple[int, list[str]]]:
    steps = await world.store.steps_of_alert(alert_id)
    return [(s["tier"] + 1, [r["user_id"] for r in s["recipients"]]) for s in steps]


async def test_an_overdue_action_alerts_tier_one_and_its_owner_on_the_rota(world):
    event = overdue(world, owner="head-1")
    assert await raise_alert_for_overdue_action(world.ports, event) is True
    assert await raise_alert_for_overdue_action(world.ports, event) is False  # redelivered
    await EscalationLoop(world.ports, poll_seconds=1).one_pass()

    alert = await world.store.alert(event.event_id)
    assert (alert["source_type"], alert["source_id"], alert["priority"]) == (
        "action",
        "act_1",
        "normal",
    )
    assert await _recipients(world, event.event_id) == [(1, ["dsl-1", "head-1"])]


async def test_an_owner_the_rota_cannot_reach_is_not_added(world):
    event = overdue(world, owner="teacher-1")  # not on the rota: no e-mail or phone known
    await raise_alert_for_overdue_action(world.ports, event)
    await EscalationLoop(world.ports, poll_seconds=1).one_pass()
    assert await _recipients(world, event.event_id) == [(1, ["dsl-1"])]


def test_the_texts_say_an_action_is_overdue_and_nothing_of_it():
    alert = {"source_type": "action", "priority": "normal"}
    notice = notice_for(
        "normal", "initial", "Oak Primary", "https://h.example/alerts/x", topic_of(alert)
    )
    text = sms_text(notice)
    assert text.startswith("Harbour: Safeguarding action overdue at Oak Primary.")
    assert "mum" not in email_body(notice) and "P1" not in email_body(notice)


def test_a_feedback_deadline_asks_the_dsl_to_chase():
    alert = {"source_type": "deadline", "rule": "social-care-feedback", "priority": "normal"}
    notice = notice_for(
        "normal", "deadline_breached", "Oak", "https://h.example/alerts/x", topic_of(alert)
    )
    assert sms_text(notice).startswith("Harbour: Chase children's social care for feedback at Oak.")
    assert "chase it" in email_body(notice)
    concern = notice_for("normal", "initial", "Oak", "https://h.example/alerts/x", topic_of({}))
    assert sms_text(concern).startswith("Harbour: New safeguarding concern at Oak.")
