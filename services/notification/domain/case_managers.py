"""Who is told of a concern about an adult, and how: its case managers, directly.

Never the DSL rota: a DSL may be the adult concerned, and the rota is the school's to see.
The case managers are the school's staff (as notification knows them) whose role is the
case's manager role (the headteacher; the chair of governors when the headteacher is the
subject), and the trust safeguarding lead the trust named. The adult concerned is never
one of them, whatever their role. Each is reached by e-mail and text at the contacts on
their staff record, else at their rota entry's; someone with neither cannot be reached
and is recorded as such (the case waits on their Allegations page all the same).

What they are sent is content-free ("A concern about an adult at <school>", a link to
Allegations): the same Notice every alert text is built from. Pure."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from services.notification.domain.delivery import Channel, delivery_id
from services.notification.domain.messages import Notice
from services.notification.domain.rota import Rota


@dataclass(frozen=True)
class Recipient:
    user_id: str
    channels: dict[Channel, str] = field(default_factory=dict)


def case_managers(
    access: Mapping[str, Any], staff: Iterable[Mapping[str, Any]], rota: Rota | None
) -> tuple[list[Recipient], list[str]]:
    """Those to tell, with their contacts, and the user ids of those who cannot be reached."""
    subject = access.get("subject_staff_user_id")
    by_user = {member["user_id"]: member for member in staff}
    wanted = [u for u, m in by_user.items() if m.get("role") == access["manager_role"]]
    lead = access.get("trust_lead_user_id")
    if lead is not None and lead not in wanted:
        wanted.append(lead)
    on_rota = {m.user_id: m for tier in (rota.tiers if rota else []) for m in tier.members}
    reachable: list[Recipient] = []
    unreachable: list[str] = []
    for user_id in sorted(set(wanted) - {subject}):
        record = by_user.get(user_id) or {}
        entry = on_rota.get(user_id)
        email = record.get("email") or (entry.email if entry else None)
        phone = record.get("phone") or (entry.phone if entry else None)
        channels: dict[Channel, str] = {}
        if email:
            channels["email"] = email
        if phone:
            channels["sms"] = phone
        if channels:
            reachable.append(Recipient(user_id, channels))
        else:
            unreachable.append(user_id)
    return reachable, unreachable


def allegations_link(public_base_url: str) -> str:
    """Where a case manager finds their cases: no id of any kind in the link."""
    return urljoin(public_base_url.rstrip("/") + "/", "allegations")


def direct_deliveries(
    key: str,
    recipients: Iterable[Recipient],
    notice: Notice,
    *,
    trust_id: str,
    school_id: str,
    enabled: Collection[Channel],
    now: datetime,
) -> list[dict[str, Any]]:
    """One delivery per recipient and channel, sent and retried like any other, with no
    alert and no ladder behind it; `key` (the event's id) fixes their ids."""
    documents = []
    for person in recipients:
        for channel, address in person.channels.items():
            on = channel in enabled
            documents.append(
                {
                    "_id": delivery_id(key, person.user_id, channel),
                    "alert_id": None,
                    "step_id": key,
                    "trust_id": trust_id,
                    "school_id": school_id,
                    "tier": 0,
                    "reason": "initial",
                    "user_id": person.user_id,
                    "channel": channel,
                    "address": address,
                    "message": notice.model_dump(mode="json"),
                    "message_kind": "notice",
                    "state": "pending" if on else "disabled",
                    "attempts": 0,
                    "last_error": None if on else "channel not configured",
                    "next_attempt_at": now if on else None,
                    "created_at": now,
                    "sent_at": None,
                }
            )
    return documents
