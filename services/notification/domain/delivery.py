"""Per-channel delivery planning: which channels a member gets, ids, and retry timing."""

from datetime import datetime, timedelta
from typing import Literal

from services.notification.domain.rota import Member

Channel = Literal["email", "sms", "push"]

MAX_ATTEMPTS = 5


def channels_for(member: Member) -> list[Channel]:
    """E-mail and SMS always (both are required); push only with an endpoint."""
    channels: list[Channel] = ["email", "sms"]
    if member.push_endpoint is not None:
        channels.append("push")
    return channels


def delivery_id(step_id: str, user_id: str, channel: Channel) -> str:
    """Deterministic, so a redelivered step does not create a second delivery."""
    return f"{step_id}:{channel}:{user_id}"


def next_attempt_at(
    attempts: int,
    now: datetime,
    base_seconds: float = 2,
    cap_seconds: float = 300,
    max_attempts: int = MAX_ATTEMPTS,
) -> datetime | None:
    """When to try again after ``attempts`` transient failures; None means finally failed.

    0 attempts means "now". Delays double from ``base_seconds`` up to ``cap_seconds``.
    No jitter, so the plan stays deterministic; a scheduler that sees retries bunch up
    after a gateway outage can spread them. Permanent failures are not retried at all.
    """
    if attempts < 0:
        raise ValueError("attempts cannot be negative")
    if attempts >= max_attempts:
        return None
    if attempts == 0:
        return now
    return now + timedelta(seconds=min(cap_seconds, base_seconds * 2 ** (attempts - 1)))
