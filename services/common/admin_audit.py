"""The administrative-action event each administrative use case emits (contracts/
admin_actions.py); records keeps them as the admin audit log.

Where the change is one document written with its outbox (a school, a pupil, a rota, a
member of staff, a calendar, a sender), the event goes in that same write: no change
without its audit entry, no entry without its change. A change of many documents (a roll
upload) or a removal (nothing is left to carry an outbox) stores the event first, in a
small document of its own (`admin_actions`), and then makes the change: an entry is never
missing, and at worst (a crash, or a refusal after it) records an attempt."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from contracts.admin_actions import AdminAction, AdminActionRecorded
from contracts.envelope import Actor
from services.common.auth import Principal
from services.common.events import school_event
from services.common.store import Document
from services.common.unit_of_work import Event


def admin_action_recorded(
    event_type: str,
    principal: Principal,
    action: AdminAction,
    *,
    object_id: str,
    trust_id: str,
    school_id: str | None,
    at: datetime,
    details: Mapping[str, int | bool] | None = None,
) -> Event:
    """`event_type` is the producer's `<producer>.admin.action_recorded.v1`."""
    payload = AdminActionRecorded(
        action=action,
        object_id=object_id,
        trust_id=trust_id,
        school_id=school_id,
        user_id=principal.user_id,
        roles=sorted(principal.roles),
        at=at,
        details=dict(details or {}),
    )
    where = school_id or trust_id
    actor = Actor(kind="user", id=principal.user_id, role=principal.primary_role)
    return school_event(event_type, payload, trust_id=trust_id, school_id=where, actor=actor, at=at)


def action_document(event: Event) -> Document:
    """The document an action with no single document of its own is stored in (with the
    event in its outbox), keyed by the event."""
    payload = event.payload
    if not isinstance(payload, AdminActionRecorded):
        raise TypeError(f"{event.event_type} is not an administrative action")
    return {
        "_id": event.event_id,
        "trust_id": payload.trust_id,
        "school_id": payload.school_id,
        "action": payload.action.value,
        "object_id": payload.object_id,
        "at": payload.at,
    }
