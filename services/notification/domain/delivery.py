"""Per-channel delivery planning: which channels a member gets, ids, retry timing, the
delivery records with their states (pending, sent, failed; cancelled when the alert was
acknowledged first; disabled when the channel is not configured), and the notice each one
carries."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal
from urllib.parse import quote

from pydantic import ValidationError

from contracts.vocabulary import Priority
from services.notification.domain.escalation import Reason
from services.notification.domain.messages import LinkNotice, Notice, Topic
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


def sent_update(attempts_before: int, provider_id: str | None, now: datetime) -> dict[str, Any]:
    """Fields to set once the channel took the message."""
    return {
        "state": "sent",
        "sent_at": now,
        "attempts": attempts_before + 1,
        "last_attempt_at": now,
        "next_attempt_at": None,
        "provider_id": provider_id,
    }


# Fields to set on a delivery whose alert was acknowledged (or is gone) before it was sent.
CANCELLED: dict[str, Any] = {"state": "cancelled", "next_attempt_at": None}


def failed_delivery_trigger(step_id: str) -> str:
    """The key under which a finally failed delivery climbs the ladder: one climb per step,
    however many of its deliveries fail."""
    return f"{step_id}:delivery_failed"


FALLBACK_SCHOOL_NAME = "your school"


def alert_link(public_base_url: str, alert_id: str) -> str:
    """An opaque link to the alert: no child data in URLs."""
    return f"{public_base_url.rstrip('/')}/alerts/{quote(alert_id, safe='')}"


def topic_of(alert: dict[str, Any]) -> Topic:
    """What the alert is about, as a message may say it: a concern or police notification
    ("alert"), an overdue action, social care's feedback to chase, a child's file another
    school offers, a risk assessment review due, or a pattern in a child's events."""
    if alert.get("source_type") == "action":
        return "action_overdue"
    if alert.get("source_type") == "transfer":
        return "incoming_file"
    if alert.get("source_type") == "deadline" and alert.get("rule") == "social-care-feedback":
        return "feedback_chase"
    if alert.get("source_type") == "deadline" and alert.get("rule") == "risk-assessment-review":
        return "review_due"
    if alert.get("source_type") == "pattern":
        return "pattern"
    return "alert"


def incoming_files_link(public_base_url: str) -> str:
    """Where a DSL accepts the files offered to their school."""
    return f"{public_base_url.rstrip('/')}/transfers/incoming"


def transfer_link_url(public_base_url: str, token: str) -> str:
    """The one-time link's page on the web service (no sign-in; the access code opens it)."""
    return f"{public_base_url.rstrip('/')}/file-transfer/{quote(token, safe='')}"


def notice_for(
    priority: Priority,
    reason: Reason,
    school_name: str | None,
    alert_url: str,
    topic: Topic = "alert",
) -> Notice:
    """What a delivery says (messages.py turns it into text). A school name no message may
    carry (too long, a line break), or none known yet, becomes "your school"."""
    fields = {"priority": priority, "alert_url": alert_url, "reason": reason, "topic": topic}
    try:
        return Notice.model_validate({"school_name": school_name or FALLBACK_SCHOOL_NAME, **fields})
    except ValidationError:
        return Notice.model_validate({"school_name": FALLBACK_SCHOOL_NAME, **fields})


def link_delivery(
    delivery_id: str,
    *,
    trust_id: str,
    school_id: str,
    address: str,
    notice: LinkNotice,
    enabled: Collection[Channel],
    now: datetime,
) -> dict[str, Any]:
    """The one e-mail that carries a one-time link to a DSL outside this deployment: a
    delivery of its own (no alert, no ladder), sent and retried like any other."""
    on = "email" in enabled
    return {
        "_id": delivery_id,
        "alert_id": None,
        "step_id": delivery_id,
        "trust_id": trust_id,
        "school_id": school_id,
        "tier": 0,
        "reason": "initial",
        "user_id": "receiving-dsl",
        "channel": "email",
        "address": address,
        "message": notice.model_dump(mode="json"),
        "state": "pending" if on else "disabled",
        "attempts": 0,
        "last_error": None if on else "channel not configured",
        "next_attempt_at": now if on else None,
        "created_at": now,
        "sent_at": None,
    }
