"""The escalation ladder as pure planning functions.

Tiers are 0-based indexes into ``Rota.tiers`` (tier 0 is "tier 1" in the issue).
Every function returns only tiers not yet notified, always climbing to the lowest such
tier, so a step may fill a gap left by an earlier jump. Acknowledgement is the caller's
check: an acknowledged alert must not be planned at all.

Datetimes must be timezone-aware; mixing naive and aware values would make timer
comparisons raise, or worse, silently shift by the server's offset.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from contracts.vocabulary import Priority
from services.notification.domain.rota import Rota

Reason = Literal[
    "initial", "timer", "deadline_approaching", "deadline_breached", "delivery_failed", "urgent"
]
EventReason = Literal["deadline_approaching", "deadline_breached", "delivery_failed"]


@dataclass(frozen=True)
class Step:
    tier: int  # 0-based index into Rota.tiers
    at: datetime  # when it is due (for timer steps possibly in the future)
    reason: Reason


def initial_steps(priority: Priority, created_at: datetime, rota: Rota) -> list[Step]:
    """Urgent alerts go to every tier at once; the others start with tier 0."""
    _require_aware(created_at)
    if priority == Priority.URGENT:
        return [Step(tier, created_at, "urgent") for tier in range(len(rota.tiers))]
    return [Step(0, created_at, "initial")]


def next_timer_step(
    priority: Priority, created_at: datetime, steps_taken: Sequence[Step], rota: Rota
) -> Step | None:
    """The next timer step, due one policy delay after the latest step (or creation).

    None when the priority has no timer (urgent; encompass unless configured) or every
    tier has been notified. The returned step may be due in the future: schedule it.
    """
    _require_aware(created_at)
    delay = _timer_delay(priority, rota)
    tier = _lowest_unnotified(steps_taken, rota)
    if delay is None or tier is None:
        return None
    since = max((step.at for step in steps_taken), default=created_at)
    return Step(tier, since + delay, "timer")


def due_timer_steps(
    priority: Priority,
    created_at: datetime,
    steps_taken: Sequence[Step],
    rota: Rota,
    now: datetime,
) -> list[Step]:
    """Every timer step due by ``now``: after downtime the overdue tiers all fire together."""
    _require_aware(now)
    due: list[Step] = []
    while (step := next_timer_step(priority, created_at, [*steps_taken, *due], rota)) and (
        step.at <= now
    ):
        due.append(step)
    return due


def steps_due(
    priority: Priority,
    created_at: datetime,
    steps_taken: Sequence[Step],
    rota: Rota,
    now: datetime,
) -> list[Step]:
    """What the timer makes due now: a new alert's first steps, else every overdue step."""
    if not steps_taken:
        return initial_steps(priority, now, rota)
    return due_timer_steps(priority, created_at, steps_taken, rota, now)


def steps_for_event(
    reason: EventReason, steps_taken: Sequence[Step], rota: Rota, now: datetime
) -> list[Step]:
    """Climb one tier now; a breached deadline also reaches the last tier (headteacher)."""
    _require_aware(now)
    tiers = _tiers_for_event(reason, steps_taken, rota)
    return [Step(tier, now, reason) for tier in tiers]


def step_id(alert_id: str, tier: int) -> str:
    """Idempotency key for a step: one per alert and tier, whatever the reason.

    The reason is left out on purpose: two replicas racing a timer and a delivery
    failure would otherwise both notify the same tier.
    """
    return f"{alert_id}:tier:{tier}"


def notified_tiers(steps_taken: Sequence[Step]) -> frozenset[int]:
    return frozenset(step.tier for step in steps_taken)


def _tiers_for_event(reason: EventReason, steps_taken: Sequence[Step], rota: Rota) -> list[int]:
    next_tier = _lowest_unnotified(steps_taken, rota)
    if next_tier is None:
        return []
    last = len(rota.tiers) - 1
    if reason == "deadline_breached" and last not in notified_tiers(steps_taken):
        return sorted({next_tier, last})
    return [next_tier]


def _lowest_unnotified(steps_taken: Sequence[Step], rota: Rota) -> int | None:
    done = notified_tiers(steps_taken)
    return min((t for t in range(len(rota.tiers)) if t not in done), default=None)


def _timer_delay(priority: Priority, rota: Rota) -> timedelta | None:
    policy = rota.escalation
    seconds = {
        Priority.NORMAL: policy.normal_step_seconds,
        Priority.ENCOMPASS: policy.encompass_step_seconds,
        Priority.URGENT: None,
    }[priority]
    return None if seconds is None else timedelta(seconds=seconds)


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("escalation times must be timezone-aware")
