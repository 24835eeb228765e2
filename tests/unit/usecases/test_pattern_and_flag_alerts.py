"""notification and what the DSL must know of a child: a pattern detected is a normal
alert for the rota, once; a risk assessment review missed climbs as its own alert; the
child's flags (a child protection plan, looked after, SEND) show on every alert about
them, the newest context winning; no e-mail or text carries a flag or a pattern's detail."""

from datetime import UTC, datetime, timedelta

import pytest

from contracts.case_v1 import (
    CONTEXT_CHANGED,
    DEADLINE_BREACHED,
    PATTERN_DETECTED,
    ContextChanged,
    PatternDetected,
)
from contracts.child_context import ChildContext, flags_of
from contracts.envelope import Subject
from services.common.events import SYSTEM, make_envelope
from services.notification.domain.delivery import notice_for, topic_of
from services.notification.domain.messages import email_body, email_subject, sms_text
from services.notification.escalator import EscalationLoop
from services.notification.usecases.escalate_for_deadline import escalate_for_deadline
from services.notification.usecases.raise_alert import (
    raise_alert_for_concern,
    raise_alert_for_pattern,
)
from services.notification.usecases.read_alerts import list_alerts, read_alert
from services.notification.usecases.record_child_flags import record_child_flags
from tests.support.notification_ports import AlertingWorld, alerting_world, person


@pytest.fixture
async def world() -> AlertingWorld:
    world = await alerting_world()
    await world.staff_and_rota()
    return world


def _about_p1(event_type, payload):
    return make_envelope(
        event_type,
        payload,
        trust_id="oak-trust",
        school_id="oak",
        subject=Subject(kind="child", id="P1"),
        actor=SYSTEM,
    )


def pattern(world: AlertingWorld):
    return _about_p1(
        PATTERN_DETECTED,
        PatternDetected(
            pupil_id="P1",
            detection_id="pat_1",
            rule="repeated_concerns",
            count=3,
            threshold=3,
            window_days=30,
            window_start=world.clock.now() - timedelta(days=30),
            source_ids=["c1", "c2", "c3"],
            detected_at=world.clock.now(),
        ),
    )


def context_changed(version: int, body: dict):
    context = ChildContext.model_validate(body)
    return _about_p1(
        CONTEXT_CHANGED,
        ContextChanged(
            pupil_id="P1",
            version=version,
            context=context,
            changed=list(body),
            flags=flags_of(context),
            changed_at=datetime(2026, 3, 1, tzinfo=UTC),
        ),
    )


PROTECTED = {
    "plan": {"kind": "child_protection", "category": "neglect", "start_date": "2026-01-12"},
    "send": {"ehcp": True},
}


async def test_a_pattern_is_one_normal_alert_for_tier_one(world):
    event = pattern(world)
    assert await raise_alert_for_pattern(world.ports, event) is True
    assert await raise_alert_for_pattern(world.ports, event) is False
    await EscalationLoop(world.ports, poll_seconds=1).one_pass()

    alert = await world.store.alert(event.event_id)
    assert (alert["source_type"], alert["priority"], alert["pattern"]) == (
        "pattern",
        "normal",
        "repeated_concerns",
    )
    steps = await world.store.steps_of_alert(event.event_id)
    assert [(s["tier"], [r["user_id"] for r in s["recipients"]]) for s in steps] == [(0, ["dsl-1"])]


async def test_a_missed_risk_assessment_review_is_an_alert_of_its_own(world):
    breached = world.deadline(DEADLINE_BREACHED, "ra-event-1", rule="risk-assessment-review")
    await escalate_for_deadline(world.ports, breached)
    [alert] = await list_alerts(world.ports, person("dsl-1"))
    assert (alert["source_type"], alert["rule"], alert["priority"]) == (
        "deadline",
        "risk-assessment-review",
        "normal",
    )
    notice = notice_for(
        "normal", "deadline_breached", "Oak", "https://h.example/a", topic_of(alert)
    )
    assert sms_text(notice).startswith("Harbour: Risk assessment review overdue at Oak.")


async def test_alerts_carry_the_childs_flags_as_the_newest_context_says(world):
    concern = world.concern()
    await raise_alert_for_concern(world.ports, concern)
    assert (await list_alerts(world.ports, person("dsl-1")))[0]["flags"] == []

    assert await record_child_flags(world.ports, context_changed(2, PROTECTED)) is True
    assert await record_child_flags(world.ports, context_changed(1, {})) is False  # older
    await raise_alert_for_pattern(world.ports, pattern(world))

    alerts = await list_alerts(world.ports, person("dsl-1"))
    assert [a["flags"] for a in alerts] == [["child_protection_plan", "send"]] * 2
    detail = await read_alert(world.ports, person("dsl-1"), concern.event_id)
    assert detail.alert["flags"] == ["child_protection_plan", "send"]

    await record_child_flags(world.ports, context_changed(3, {}))
    assert (await list_alerts(world.ports, person("dsl-1")))[0]["flags"] == []


@pytest.mark.parametrize(
    "alert",
    [
        {"source_type": "pattern", "pattern": "repeated_concerns", "flags": ["looked_after"]},
        {"source_type": "concern", "flags": ["child_protection_plan", "send"]},
        {"source_type": "deadline", "rule": "risk-assessment-review", "flags": ["send"]},
    ],
)
def test_no_email_or_text_says_a_flag_or_what_made_a_pattern(alert):
    notice = notice_for(
        "normal", "initial", "Oak Primary", "https://h.example/a/1", topic_of(alert)
    )
    texts = " ".join([email_subject(notice), email_body(notice), sms_text(notice)]).lower()
    for word in ("protection plan", "looked after", "send", "sen ", "ehc", "repeated", "p1"):
        assert word not in texts, word
    if alert["source_type"] == "pattern":
        assert "safeguarding pattern to review at oak primary" in texts
