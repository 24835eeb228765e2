"""What an alert is and how urgent it is."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from contracts.envelope import Envelope
from contracts.intake_v1 import ConcernRaised, EncompassNotified
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


def alert_for_concern(event: Envelope[ConcernRaised], created_at: datetime) -> dict[str, Any]:
    """The alert document; its id is the event's id, so a redelivery cannot make a second."""
    concern = event.payload
    return {
        "_id": event.event_id,
        "trust_id": event.trust_id,
        "school_id": event.school_id,
        "pupil_id": concern.pupil_id,
        "source_id": concern.concern_id,
        "source_type": "concern",
        "source_event_id": event.event_id,
        "priority": concern_priority(concern).value,
        "received_at": concern.received_at,
        "created_at": created_at,
        "acknowledged_at": None,
        "acknowledged_by": None,
    }


def alert_for_encompass(event: Envelope[EncompassNotified], created_at: datetime) -> dict[str, Any]:
    """A police notification for the Key Adults. Its content is kept for the in-app view
    only; e-mails and texts never carry it."""
    notice = event.payload
    return {
        "_id": event.event_id,
        "trust_id": event.trust_id,
        "school_id": event.school_id,
        "pupil_id": notice.pupil_id,
        "source_id": notice.notification_id,
        "source_type": "encompass",
        "source_event_id": event.event_id,
        "priority": Priority.ENCOMPASS.value,
        "received_at": notice.received_at,
        "created_at": created_at,
        "acknowledged_at": None,
        "acknowledged_by": None,
        "revision": notice.revision,
        "content": notice.model_dump(mode="json"),
    }


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
    }
