"""Stored escalation steps and deliveries: who a step reaches, which deliveries it plans,
how a failed attempt is recorded, and what the API shows of them."""

from datetime import UTC, datetime, timedelta

from contracts.case_v1 import DEADLINE_BREACHED, DeadlineChanged, phase_event_id
from contracts.envelope import Subject
from contracts.vocabulary import Priority
from services.common.events import SYSTEM, make_envelope
from services.notification.api_alerts import delivery_view, step_view
from services.notification.channels.dispatch import enabled_channels
from services.notification.domain.alerts import acknowledged_event_id, alert_for_deadline
from services.notification.domain.delivery import (
    RetryPolicy,
    alert_link,
    failure_update,
    planned_deliveries,
)
from services.notification.domain.escalation import Step
from services.notification.domain.rota import Member, Rota, Tier
from services.notification.domain.steps import step_document, step_of, tier_members

T0 = datetime(2026, 3, 3, 7, 30, tzinfo=UTC)
ALERT = {"_id": "alert-1", "trust_id": "trust-1", "school_id": "school-1"}
POLICY = RetryPolicy(base_seconds=2, cap_seconds=300, max_attempts=3)


def member(user_id: str, push: bool = False) -> Member:
    return Member(
        user_id=user_id,
        name=f"Staff {user_id}",
        email=f"{user_id}@oak.sch.uk",
        phone="07911 123456",
        push_endpoint=f"https://push.example.org/{user_id}" if push else None,
    )


ROTA = Rota(tiers=[Tier(members=[member("dsl", push=True)]), Tier(members=[member("head")])])


def test_a_step_snapshots_its_tier_with_every_channel_address():
    step = step_document(ALERT, Step(0, T0, "initial"), tier_members(ROTA, 0), T0)

    assert step["_id"] == "alert-1:tier:0"
    assert step["recipients"] == [
        {
            "user_id": "dsl",
            "name": "Staff dsl",
            "channels": {
                "email": "dsl@oak.sch.uk",
                "sms": "+447911123456",
                "push": "https://push.example.org/dsl",
            },
        }
    ]
    assert step["planned"] is False
    assert step_of(step) == Step(0, T0, "initial")


def test_a_tier_the_rota_no_longer_has_reaches_nobody():
    assert tier_members(ROTA, 5) == ()
    assert tier_members(None, 0) == ()


def test_the_step_view_counts_tiers_from_one_and_shows_no_addresses():
    view = step_view(step_document(ALERT, Step(1, T0, "timer"), tier_members(ROTA, 1), T0))

    assert view["tier"] == 2
    assert view["reason"] == "timer"
    assert view["recipients"] == [{"user_id": "head", "name": "Staff head"}]


def test_each_recipient_and_channel_gets_one_delivery_and_unconfigured_ones_are_disabled():
    step = step_document(ALERT, Step(0, T0, "urgent"), tier_members(ROTA, 0), T0)

    deliveries = planned_deliveries(step, {"email"}, T0)

    by_channel = {d["channel"]: d for d in deliveries}
    assert set(by_channel) == {"email", "sms", "push"}
    assert by_channel["email"]["_id"] == "alert-1:tier:0:email:dsl"
    assert by_channel["email"]["state"] == "pending"
    assert by_channel["email"]["next_attempt_at"] == T0
    assert by_channel["sms"]["state"] == "disabled"
    assert by_channel["sms"]["next_attempt_at"] is None
    assert by_channel["sms"]["last_error"] == "channel not configured"
    assert {d["reason"] for d in deliveries} == {"urgent"}


def test_a_transient_failure_backs_off_until_the_attempts_run_out():
    first = failure_update(0, transient=True, reason="gateway 500", now=T0, policy=POLICY)
    second = failure_update(1, transient=True, reason="gateway 500", now=T0, policy=POLICY)
    last = failure_update(2, transient=True, reason="gateway 500", now=T0, policy=POLICY)

    assert (first["state"], first["attempts"]) == ("pending", 1)
    assert first["next_attempt_at"] == T0 + timedelta(seconds=2)
    assert second["next_attempt_at"] == T0 + timedelta(seconds=4)
    assert (last["state"], last["attempts"], last["next_attempt_at"]) == ("failed", 3, None)
    assert last["last_error"] == "gateway 500"


def test_a_permanent_failure_is_final_at_once():
    update = failure_update(0, transient=False, reason="gateway 400", now=T0, policy=POLICY)

    assert (update["state"], update["attempts"], update["next_attempt_at"]) == ("failed", 1, None)


def test_the_delivery_view_shows_state_attempts_and_last_error_but_not_the_address():
    step = step_document(ALERT, Step(0, T0, "initial"), tier_members(ROTA, 0), T0)
    delivery = planned_deliveries(step, {"email", "sms", "push"}, T0)[1]

    view = delivery_view(delivery)

    assert view == {
        "delivery_id": "alert-1:tier:0:sms:dsl",
        "tier": 1,
        "user_id": "dsl",
        "channel": "sms",
        "state": "pending",
        "attempts": 0,
        "last_error": None,
        "sent_at": None,
        "next_attempt_at": T0,
    }


def test_channels_without_configuration_are_disabled():
    assert enabled_channels(None, None) == set()


def test_alert_links_carry_the_alert_id_only():
    assert alert_link("https://harbour.example.org/", "a1:b") == (
        "https://harbour.example.org/alerts/a1%3Ab"
    )


def test_the_acknowledged_event_id_is_the_same_for_the_same_alert():
    assert acknowledged_event_id("alert-1") == acknowledged_event_id("alert-1")
    assert acknowledged_event_id("alert-1") != acknowledged_event_id("alert-2")


def test_a_deadline_alert_is_keyed_by_the_deadline_event_and_names_the_deadline():
    event = make_envelope(
        DEADLINE_BREACHED,
        DeadlineChanged(
            deadline_id="file-transfer:event-9",
            rule="file-transfer",
            pupil_id="pupil-1",
            source_id="pupil-1@2026-03-01",
            source_event_id="event-9",
        ),
        trust_id="trust-1",
        school_id="school-1",
        subject=Subject(kind="child", id="pupil-1"),
        actor=SYSTEM,
    )

    alert = alert_for_deadline(event, Priority.NORMAL, T0)

    # Fixed by the deadline, whichever phase makes it (approaching and breached at once).
    assert alert["_id"] == phase_event_id("file-transfer:event-9", "approaching")
    assert alert["source_type"] == "deadline"
    assert alert["source_id"] == "file-transfer:event-9"
    assert alert["rule"] == "file-transfer"
    assert alert["next_step_at"] is None  # its first steps come from the event
