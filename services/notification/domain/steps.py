"""Escalation steps and triggers as stored records: who a step reached, and which tiers
an event climbed.

A step document snapshots the members of its tier (from the rota current when it was
taken), so planning its deliveries again after a crash reaches the same people. A trigger
remembers the tiers an event chose, so a redelivered event re-takes the same tiers
(harmlessly) instead of climbing further.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from services.notification.domain.delivery import channels_for
from services.notification.domain.escalation import EventReason, Step, step_id
from services.notification.domain.rota import Member, Rota


def tier_members(rota: Rota | None, tier: int) -> Sequence[Member]:
    """The members of a tier in the current rota; none if the rota has fewer tiers now."""
    if rota is None or not 0 <= tier < len(rota.tiers):
        return ()
    return rota.tiers[tier].members


def step_members(rota: Rota | None, tier: int, alert: dict[str, Any]) -> list[Member]:
    """Who a step reaches: its tier's members; the first step of an alert with an owner (an
    overdue action's) also reaches the owner, when the rota has them in another tier (the
    rota holds the only contact details notification has)."""
    members = list(tier_members(rota, tier))
    owner = alert.get("owner_user_id")
    if tier != 0 or rota is None or owner is None or any(m.user_id == owner for m in members):
        return members
    found = next((m for t in rota.tiers for m in t.members if m.user_id == owner), None)
    return [*members, found] if found is not None else members


def recipient(member: Member) -> dict[str, Any]:
    addresses = {"email": member.email, "sms": member.phone}
    if member.push_endpoint is not None:
        addresses["push"] = str(member.push_endpoint)
    return {
        "user_id": member.user_id,
        "name": member.name,
        "channels": {channel: addresses[channel] for channel in channels_for(member)},
    }


def step_document(
    alert: dict[str, Any], step: Step, members: Iterable[Member], taken_at: datetime
) -> dict[str, Any]:
    return {
        "_id": step_id(alert["_id"], step.tier),
        "alert_id": alert["_id"],
        "trust_id": alert["trust_id"],
        "school_id": alert["school_id"],
        "tier": step.tier,
        "reason": step.reason,
        "at": step.at,  # when it was due: the ladder's clock counts from here
        "taken_at": taken_at,
        "recipients": [recipient(m) for m in members],
        "planned": False,  # True once its deliveries are stored
    }


def step_of(document: dict[str, Any]) -> Step:
    return Step(document["tier"], document["at"], document["reason"])


def trigger_document(
    alert: dict[str, Any], key: str, reason: EventReason, tiers: Sequence[int], at: datetime
) -> dict[str, Any]:
    return {
        "_id": key,
        "alert_id": alert["_id"],
        "trust_id": alert["trust_id"],
        "school_id": alert["school_id"],
        "reason": reason,
        "tiers": list(tiers),
        "at": at,
    }


def trigger_steps(trigger: dict[str, Any]) -> list[Step]:
    return [Step(tier, trigger["at"], trigger["reason"]) for tier in trigger["tiers"]]
