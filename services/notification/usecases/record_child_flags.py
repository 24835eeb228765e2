"""The flags a DSL sees beside a child on alerts and in the inbox (a child protection plan,
looked after, SEND), kept from case's events about the child's context: the newest
version wins, so a late redelivery of an older one changes nothing. They are shown in
Harbour only: e-mails and texts are built from a notice that cannot hold them
(domain/messages.py)."""

from __future__ import annotations

from contracts.case_v1 import ContextChanged
from contracts.envelope import Envelope
from services.common.store import Document
from services.notification.ports import NotificationPorts
from services.notification.store import child_key


async def record_child_flags(ports: NotificationPorts, event: Envelope[ContextChanged]) -> bool:
    """False if a newer context was known already."""
    changed = event.payload
    flags = [flag.value for flag in changed.flags]
    return await ports.store.record_child_flags(
        event.trust_id, event.school_id, changed.pupil_id, flags, changed.version
    )


async def with_child_flags(ports: NotificationPorts, alerts: list[Document]) -> list[Document]:
    """The alerts, each with the flags of its child as they stand now."""
    keys = [child_key(a["school_id"], a["pupil_id"]) for a in alerts if a.get("pupil_id")]
    flags = await ports.store.flags_of_children(keys)
    return [
        {**a, "flags": flags.get(child_key(a["school_id"], a["pupil_id"]), [])}
        if a.get("pupil_id")
        else {**a, "flags": []}
        for a in alerts
    ]
