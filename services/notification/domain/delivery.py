"""Per-channel delivery planning: which channels a member gets, ids, retry timing, and the
delivery records with their states (pending, sent, failed; cancelled when the alert was
acknowledged first; disabled when the channel is not configured)."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

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


@dataclass(frozen=True)
class RetryPolicy:
    base_seconds: float = 2
    cap_seconds: float = 300
    max_attempts: int = MAX_ATTEMPTS


def planned_deliveries(
    step: dict[str, Any], enabled: Collection[Channel], now: datetime
) -> list[dict[str, Any]]:
    """One delivery per recipient and channel of a stored step. A channel this service has
    no configuration for is recorded as disabled rather than silently skipped."""
    documents = []
    for person in step["recipients"]:
        for channel, address in person["channels"].items():
            on = channel in enabled
            documents.append(
                {
                    "_id": delivery_id(step["_id"], person["user_id"], channel),
                    "alert_id": step["alert_id"],
                    "step_id": step["_id"],
                    "trust_id": step["trust_id"],
                    "school_id": step["school_id"],
                    "tier": step["tier"],
                    "reason": step["reason"],
                    "user_id": person["user_id"],
                    "channel": channel,
                    "address": address,
                    "state": "pending" if on else "disabled",
                    "attempts": 0,
                    "last_error": None if on else "channel not configured",
                    "next_attempt_at": now if on else None,
                    "created_at": now,
                    "sent_at": None,
                }
            )
    return documents


def failure_update(
    attempts_before: int, *, transient: bool, reason: str, now: datetime, policy: RetryPolicy
) -> dict[str, Any]:
    """Fields to set after a failed attempt: back off and stay pending, or finally fail."""
    attempts = attempts_before + 1
    retry_at = (
        next_attempt_at(attempts, now, policy.base_seconds, policy.cap_seconds, policy.max_attempts)
        if transient
        else None
    )
    return {
        "attempts": attempts,
        "last_error": reason,
        "last_attempt_at": now,
        "state": "pending" if retry_at else "failed",
        "next_attempt_at": retry_at,
    }


def delivery_view(document: dict[str, Any]) -> dict[str, Any]:
    return {
        "delivery_id": document["_id"],
        "tier": document["tier"] + 1,
        "user_id": document["user_id"],
        "channel": document["channel"],
        "state": document["state"],
        "attempts": document["attempts"],
        "last_error": document["last_error"],
        "sent_at": document["sent_at"],
        "next_attempt_at": document["next_attempt_at"],
    }
