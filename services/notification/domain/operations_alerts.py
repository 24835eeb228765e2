"""Alerts to the people who run Harbour: a message was dead-lettered. Content-free: which
service and queue it left, why, its event type and id, never anything it carried.

One alert per dead letter: its id is fixed by the message, the queue, the reason and how
often it has died there (the broker's count), so a copy delivered twice is one alert, and
the same message replayed and dead-lettered again is a new one."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from services.common.dead_letter_headers import DeadLetter
from services.notification.domain.delivery import RetryPolicy, next_attempt_at

_IDS = uuid.UUID("0e7c8d52-3a1f-4b8e-9f4d-2c6a1b5e7d90")


def operations_alert_id(dead: DeadLetter) -> str:
    key = f"{dead.message_id}|{dead.queue}|{dead.reason}|{dead.count}"
    return "ops-" + str(uuid.uuid5(_IDS, key))


def operations_alert(dead: DeadLetter, recipients: Sequence[str], now: datetime) -> dict[str, Any]:
    """The alert as stored, with one e-mail to send per operator address."""
    return {
        "_id": operations_alert_id(dead),
        "service": dead.service,
        "queue": dead.queue,
        "reason": dead.reason,
        "death_count": dead.count,
        "message_id": dead.message_id,
        "event_type": dead.event_type,
        "trust_id": dead.trust_id,
        "died_at": dead.died_at,
        "created_at": now,
        "emails": [
            {"address": address, "state": "pending", "attempts": 0, "last_error": None}
            for address in recipients
        ],
        "next_attempt_at": now if recipients else None,
    }


def email_subject(alert: dict[str, Any]) -> str:
    return f"Harbour: a message was dead-lettered in {alert['service']}"


def email_body(alert: dict[str, Any]) -> str:
    """What the operators are told: enough to find it, nothing it carried."""
    return "\n".join(
        [
            f"A message could not be processed by Harbour's {alert['service']} service and"
            " was moved to its dead-letter queue.",
            "",
            f"Queue: {alert['queue']}",
            f"Reason: {alert['reason']}",
            f"Event type: {alert['event_type'] or 'not an event Harbour knows'}",
            f"Message id: {alert['message_id']}",
            f"Alert: {alert['_id']}",
            "",
            f"List the dead letters with `harbour dlq list {alert['service']}`; once the cause"
            f" is fixed, `harbour dlq replay {alert['service']} --id <message id>` sends one back.",
        ]
    )


def after_sending(
    alert: dict[str, Any],
    failures: dict[str, tuple[bool, str]],
    now: datetime,
    policy: RetryPolicy,
) -> dict[str, Any]:
    """The fields to set once each pending e-mail was tried: `failures` names the addresses
    that failed (transient?, reason); the others were sent. A transient failure is tried
    again with back-off until the policy gives up."""
    emails, retry_at = [], None
    for email in alert["emails"]:
        if email["state"] != "pending":
            emails.append(email)
            continue
        attempts = email["attempts"] + 1
        if email["address"] not in failures:
            emails.append({**email, "state": "sent", "attempts": attempts, "sent_at": now})
            continue
        transient, reason = failures[email["address"]]
        again = (
            next_attempt_at(
                attempts, now, policy.base_seconds, policy.cap_seconds, policy.max_attempts
            )
            if transient
            else None
        )
        state = "pending" if again else "failed"
        emails.append({**email, "state": state, "attempts": attempts, "last_error": reason})
        if again is not None:
            retry_at = again if retry_at is None else min(retry_at, again)
    return {"emails": emails, "next_attempt_at": retry_at}


def pending_addresses(alert: dict[str, Any]) -> list[str]:
    return [e["address"] for e in alert["emails"] if e["state"] == "pending"]
