from datetime import UTC, datetime, timedelta
from itertools import chain, combinations
from typing import get_args

import pytest

from contracts.vocabulary import Priority
from services.notification.domain.delivery import (
    MAX_ATTEMPTS,
    channels_for,
    delivery_id,
    next_attempt_at,
)
from services.notification.domain.escalation import (
    EventReason,
    Step,
    due_timer_steps,
    initial_steps,
    next_timer_step,
    step_id,
    steps_due,
    steps_for_event,
)
from services.notification.domain.rota import EscalationPolicy, Member, Rota, Tier

T0 = datetime(2025, 3, 3, 7, 30, tzinfo=UTC)
MINUTES_15 = timedelta(seconds=900)


def make_member(user_id: str, push_endpoint: str | None = None) -> Member:
    return Member(
        user_id=user_id,
        name=user_id,
        email=f"{user_id}@oak.sch.uk",
        phone="07911 123456",
        push_endpoint=push_endpoint,
    )


def make_rota(tiers: int, **policy: int | None) -> Rota:
    return Rota(
        tiers=[Tier(members=[make_member(f"t{t}")]) for t in range(tiers)],
        escalation=EscalationPolicy(**policy),
    )


def notified(*tiers: int, at: datetime = T0) -> list[Step]:
    return [Step(tier, at, "initial" if tier == 0 else "timer") for tier in tiers]


def subsets(n: int) -> list[tuple[int, ...]]:
    return list(chain.from_iterable(combinations(range(n), k) for k in range(n + 1)))


# --- what the timer makes due ------------------------------------------------------------


def test_a_new_alert_is_due_its_first_steps_at_once():
    later = T0 + timedelta(minutes=2)
    assert steps_due(Priority.NORMAL, T0, [], make_rota(3), later) == [Step(0, later, "initial")]


def test_a_climbing_alert_is_due_its_overdue_timer_steps():
    rota, taken = make_rota(3), notified(0)
    assert steps_due(Priority.NORMAL, T0, taken, rota, T0 + MINUTES_15) == [
        Step(1, T0 + MINUTES_15, "timer")
    ]
    assert steps_due(Priority.NORMAL, T0, taken, rota, T0 + MINUTES_15 / 2) == []


# --- initial steps -----------------------------------------------------------------------


@pytest.mark.parametrize("priority", [Priority.NORMAL, Priority.ENCOMPASS])
def test_normal_and_encompass_start_with_the_first_tier(priority: Priority):
    assert initial_steps(priority, T0, make_rota(3)) == [Step(0, T0, "initial")]


def test_urgent_reaches_every_tier_at_once():
    assert initial_steps(Priority.URGENT, T0, make_rota(4)) == [
        Step(0, T0, "urgent"),
        Step(1, T0, "urgent"),
        Step(2, T0, "urgent"),
        Step(3, T0, "urgent"),
    ]


def test_urgent_leaves_nothing_for_the_timer_or_events():
    rota = make_rota(3)
    taken = initial_steps(Priority.URGENT, T0, rota)

    assert next_timer_step(Priority.URGENT, T0, taken, rota) is None
    for reason in get_args(EventReason):
        assert steps_for_event(reason, taken, rota, T0 + MINUTES_15) == []


# --- timer ------------------------------------------------------------------------------


def test_normal_escalates_to_the_next_tier_after_the_policy_delay():
    assert next_timer_step(Priority.NORMAL, T0, notified(0), make_rota(3)) == Step(
        1, T0 + MINUTES_15, "timer"
    )


def test_normal_climbs_one_tier_per_step_and_stops_at_the_last_tier():
    rota = make_rota(4, normal_step_seconds=5)
    taken = initial_steps(Priority.NORMAL, T0, rota)
    while step := next_timer_step(Priority.NORMAL, T0, taken, rota):
        taken.append(step)

    assert [(s.tier, s.at - T0, s.reason) for s in taken] == [
        (0, timedelta(0), "initial"),
        (1, timedelta(seconds=5), "timer"),
        (2, timedelta(seconds=10), "timer"),
        (3, timedelta(seconds=15), "timer"),
    ]


def test_the_delay_counts_from_the_latest_step_of_any_kind():
    rota = make_rota(3)
    failed_over = T0 + timedelta(minutes=4)
    taken = [*notified(0), Step(1, failed_over, "delivery_failed")]

    assert next_timer_step(Priority.NORMAL, T0, taken, rota) == Step(
        2, failed_over + MINUTES_15, "timer"
    )


def test_without_steps_the_delay_counts_from_creation():
    assert next_timer_step(Priority.NORMAL, T0, [], make_rota(2)) == Step(
        0, T0 + MINUTES_15, "timer"
    )


def test_a_single_tier_rota_has_nowhere_to_climb():
    assert next_timer_step(Priority.NORMAL, T0, notified(0), make_rota(1)) is None


def test_encompass_waits_for_the_deadline_event_instead_of_a_timer():
    assert next_timer_step(Priority.ENCOMPASS, T0, notified(0), make_rota(3)) is None


def test_encompass_can_also_climb_on_a_configured_timer():
    rota = make_rota(3, encompass_step_seconds=600)

    assert next_timer_step(Priority.ENCOMPASS, T0, notified(0), rota) == Step(
        1, T0 + timedelta(minutes=10), "timer"
    )


def test_nothing_is_due_before_the_delay():
    assert (
        due_timer_steps(Priority.NORMAL, T0, notified(0), make_rota(3), T0 + timedelta(minutes=14))
        == []
    )


def test_overdue_steps_all_fire_after_downtime_at_their_scheduled_times():
    rota = make_rota(4)
    now = T0 + timedelta(minutes=31)

    assert due_timer_steps(Priority.NORMAL, T0, notified(0), rota, now) == [
        Step(1, T0 + MINUTES_15, "timer"),
        Step(2, T0 + 2 * MINUTES_15, "timer"),
    ]


def test_catching_up_stops_at_the_last_tier():
    steps = due_timer_steps(Priority.NORMAL, T0, notified(0), make_rota(3), T0 + timedelta(days=1))

    assert [s.tier for s in steps] == [1, 2]


@pytest.mark.parametrize("priority", [Priority.ENCOMPASS, Priority.URGENT])
def test_priorities_without_a_timer_have_nothing_due(priority: Priority):
    assert due_timer_steps(priority, T0, notified(0), make_rota(3), T0 + timedelta(days=1)) == []


# --- events -----------------------------------------------------------------------------


def test_deadline_approaching_climbs_one_tier_now():
    now = T0 + timedelta(minutes=40)

    assert steps_for_event("deadline_approaching", notified(0), make_rota(3), now) == [
        Step(1, now, "deadline_approaching")
    ]


def test_delivery_failure_climbs_one_tier_at_once():
    now = T0 + timedelta(seconds=30)

    assert steps_for_event("delivery_failed", notified(0), make_rota(3), now) == [
        Step(1, now, "delivery_failed")
    ]


def test_a_breached_deadline_climbs_one_tier_and_reaches_the_last_tier():
    now = T0 + timedelta(hours=1)

    assert steps_for_event("deadline_breached", notified(0), make_rota(4), now) == [
        Step(1, now, "deadline_breached"),
        Step(3, now, "deadline_breached"),
    ]


def test_a_breach_with_only_the_last_tier_left_notifies_it_once():
    now = T0 + timedelta(hours=1)

    assert steps_for_event("deadline_breached", notified(0, 1), make_rota(3), now) == [
        Step(2, now, "deadline_breached")
    ]


def test_a_breach_after_the_last_tier_was_reached_still_climbs_one_tier():
    now = T0 + timedelta(hours=1)
    taken = [*notified(0), Step(3, T0, "deadline_breached")]

    assert steps_for_event("deadline_breached", taken, make_rota(4), now) == [
        Step(1, now, "deadline_breached")
    ]


def test_climbing_fills_the_lowest_gap_first():
    taken = [*notified(0), Step(2, T0, "deadline_breached")]

    assert next_timer_step(Priority.NORMAL, T0, taken, make_rota(3)) == Step(
        1, T0 + MINUTES_15, "timer"
    )


@pytest.mark.parametrize("reason", get_args(EventReason))
def test_events_do_nothing_once_every_tier_is_notified(reason: EventReason):
    assert steps_for_event(reason, notified(0, 1, 2), make_rota(3), T0) == []


@pytest.mark.parametrize("taken_tiers", subsets(4))
def test_no_function_returns_a_tier_already_notified(taken_tiers: tuple[int, ...]):
    rota = make_rota(4, encompass_step_seconds=60)
    taken = notified(*taken_tiers)
    later = T0 + timedelta(days=1)
    planned = [
        *chain.from_iterable(
            steps_for_event(reason, taken, rota, later) for reason in get_args(EventReason)
        ),
        *chain.from_iterable(due_timer_steps(p, T0, taken, rota, later) for p in Priority),
    ]

    assert not {step.tier for step in planned} & set(taken_tiers)
    assert all(0 <= step.tier < 4 for step in planned)


def test_naive_datetimes_are_refused():
    naive = datetime(2025, 3, 3, 7, 30)

    with pytest.raises(ValueError, match="timezone-aware"):
        initial_steps(Priority.NORMAL, naive, make_rota(2))
    with pytest.raises(ValueError, match="timezone-aware"):
        steps_for_event("delivery_failed", notified(0), make_rota(2), naive)


# --- step ids ---------------------------------------------------------------------------


def test_step_ids_are_deterministic():
    assert step_id("alert-1", 2) == step_id("alert-1", 2) == "alert-1:tier:2"


def test_step_ids_differ_per_alert_and_tier():
    ids = {step_id(alert, tier) for alert in ("alert-1", "alert-2") for tier in range(3)}

    assert len(ids) == 6


# --- delivery ---------------------------------------------------------------------------


def test_retries_back_off_exponentially_then_give_up():
    delays = [next_attempt_at(attempts, T0) for attempts in range(MAX_ATTEMPTS + 1)]

    assert delays == [
        T0,
        T0 + timedelta(seconds=2),
        T0 + timedelta(seconds=4),
        T0 + timedelta(seconds=8),
        T0 + timedelta(seconds=16),
        None,
    ]


def test_retry_delay_is_capped():
    assert next_attempt_at(9, T0, base_seconds=10, cap_seconds=300, max_attempts=20) == (
        T0 + timedelta(seconds=300)
    )


def test_negative_attempts_are_a_bug():
    with pytest.raises(ValueError, match="negative"):
        next_attempt_at(-1, T0)


def test_push_is_only_used_with_an_endpoint():
    assert channels_for(make_member("a")) == ["email", "sms"]
    assert channels_for(make_member("b", "https://push.example.org/b")) == ["email", "sms", "push"]


def test_delivery_ids_are_deterministic_and_distinct_per_channel_and_member():
    sid = step_id("alert-1", 0)
    ids = {delivery_id(sid, user, channel) for user in ("a", "b") for channel in ("email", "sms")}

    assert delivery_id(sid, "a", "sms") == delivery_id(sid, "a", "sms")
    assert len(ids) == 4
