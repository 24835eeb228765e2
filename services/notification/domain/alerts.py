"""What an alert is and how urgent it is."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from contracts.case_v1 import DeadlineChanged
from contracts.envelope import Envelope
from contracts.intake_v1 import ConcernRaised, EncompassNotified
from contracts.notification_v1 import AlertSource
from contracts.vocabulary import Category, Priority


def concern_priority(concern: ConcernRaised) -> Priority:
    """Immediate danger, FGM discovered and sexual violence reach every tier at once."""
    if (
        concern.immediate_danger
        or concern.fgm_discovered
        or Category.SEXUAL_VIOLENCE in concern.categories
    ):
        return Priority.URGENT
    return Priority.NORMAL


def _alert(
    event: Envelope[Any],
    *,
    pupil_id: str | None,
    source_id: str,
    source_type: AlertSource,
    priority: Priority,
    received_at: datetime,
    created_at: datetime,
    next_step_at: datetime | None,
) -> dict[str, Any]:
    """What every alert holds; its id is the event's id, so a redelivery cannot make a
    second one."""
    return {
        "_id": event.event_id,
        "trust_id": event.trust_id,
        "school_id": event.school_id,
        "pupil_id": pupil_id,
        "source_id": source_id,
        "source_type": source_type.value,
        "source_event_id": event.event_id,
        "priority": priority.value,
        "received_at": received_at,
        "created_at": created_at,
        "acknowledged_at": None,
        "acknowledged_by": None,
        **escalation_fields(next_step_at),
    }


def alert_for_concern(event: Envelope[ConcernRaised], created_at: datetime) -> dict[str, Any]:
    concern = event.payload
    return _alert(
        event,
        pupil_id=concern.pupil_id,
        source_id=concern.concern_id,
        source_type=AlertSource.CONCERN,
        priority=concern_priority(concern),
        received_at=concern.received_at,
        created_at=created_at,
        next_step_at=created_at,
    )


def alert_for_encompass(event: Envelope[EncompassNotified], created_at: datetime) -> dict[str, Any]:
    """A police notification for the Key Adults. Its content is kept for the in-app view
    only; e-mails and texts never carry it."""
    notice = event.payload
    return _alert(
        event,
        pupil_id=notice.pupil_id,
        source_id=notice.notification_id,
        source_type=AlertSource.ENCOMPASS,
        priority=Priority.ENCOMPASS,
        received_at=notice.received_at,
        created_at=created_at,
        next_step_at=created_at,
    ) | {"revision": notice.revision, "content": notice.model_dump(mode="json")}


def alert_for_deadline(
    event: Envelope[DeadlineChanged], priority: Priority, created_at: datetime
) -> dict[str, Any]:
    """A deadline approaching or breached with no unacknowledged alert left to escalate
    (none was raised, or it was acknowledged but the deadline is still open): an alert of
    its own. Its first steps come from the deadline event, so no timer until then."""
    deadline = event.payload
    return _alert(
        event,
        pupil_id=deadline.pupil_id,
        source_id=deadline.deadline_id,
        source_type=AlertSource.DEADLINE,
        priority=priority,
        received_at=event.occurred_at,
        created_at=created_at,
        next_step_at=None,
    ) | {"source_event_id": deadline.source_event_id, "rule": deadline.rule}


def escalation_fields(next_step_at: datetime | None) -> dict[str, Any]:
    """The escalator's bookkeeping on an alert: when to look at it next."""
    return {"next_step_at": next_step_at, "awaiting_rota": False, "step_tiers": []}


def alert_view(alert: dict[str, Any]) -> dict[str, Any]:
    return {
        "alert_id": alert["_id"],
        "school_id": alert["school_id"],
        "pupil_id": alert["pupil_id"],
        "source_id": alert["source_id"],
        "source_type": alert["source_type"],
        "priority": alert["priority"],
        "created_at": alert["created_at"],
        "acknowledged_at": alert["acknowledged_at"],
        "acknowledged_by": alert["acknowledged_by"],
        "revision": alert.get("revision"),
        "content": alert.get("content"),
        "rule": alert.get("rule"),
        "next_escalation_at": alert.get("next_step_at"),
        "awaiting_rota": alert.get("awaiting_rota", False),
    }
