"""The admin audit log: one entry per administrative action another service reported
(`<producer>.admin.action_recorded.v1`), in the list of its trust and of its school. Ids,
actions, times and counts only: the events carry nothing else."""

from __future__ import annotations

from typing import Any

from contracts.admin_actions import AdminActionRecorded
from contracts.envelope import Envelope


def admin_entry(event: Envelope[AdminActionRecorded]) -> dict[str, Any]:
    """Keyed by the event: a redelivery adds nothing."""
    action = event.payload
    return {
        "_id": event.event_id,
        "at": action.at,
        "producer": event.producer,
        "action": action.action.value,
        "object_id": action.object_id,
        "trust_id": action.trust_id,
        "school_id": action.school_id,
        "user_id": action.user_id,
        "roles": list(action.roles),
        "details": dict(action.details),
    }


def trust_log(trust_id: str) -> str:
    return f"trust:{trust_id}"


def school_log(school_id: str) -> str:
    return f"school:{school_id}"


def logs_of(entry: dict[str, Any]) -> list[str]:
    """The lists an entry belongs in: its trust's, and its school's unless trust-wide."""
    school_id = entry.get("school_id")
    return [trust_log(entry["trust_id"]), *([school_log(school_id)] if school_id else [])]
