"""What an alert is, how urgent it is, and what acknowledging or amending it changes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from contracts.case_v1 import ActionOverdue, DeadlineChanged, PatternDetected, phase_event_id
from contracts.envelope import Actor, Envelope, Subject
from contracts.intake_v1 import ConcernRaised, EncompassAmended, EncompassNotified
from contracts.notification_v1 import ALERT_ACKNOWLEDGED, AlertAcknowledged, AlertSource
from contracts.records_v1 import TransferOffered
from contracts.vocabulary import Category, Priority
from services.common.events import make_envelope

_ACKNOWLEDGED_EVENT_IDS = uuid.UUID("5f0c4a8e-2a59-4c8e-9d1b-6e2b7f3a9c01")


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
    its own. Its first steps come from the deadline event, so no timer until then.

    Its id is the deadline's approaching-phase event id, whichever phase makes it: a
    deadline already past when it starts (a referral recorded late) publishes approaching
    and breached together, and the two, handled at once, must find one alert, not make
    two."""
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
    ) | {
        "_id": phase_event_id(deadline.deadline_id, "approaching"),
        "source_event_id": deadline.source_event_id,
        "rule": deadline.rule,
    }


def alert_for_overdue_action(
    event: Envelope[ActionOverdue], created_at: datetime
) -> dict[str, Any]:
    """An action on a child's case was not done by its date: the DSL rota's alert, which
    also reaches the action's owner at once when the rota has a way to reach them. It
    carries ids only (what the action was is on the case)."""
    overdue = event.payload
    return _alert(
        event,
        pupil_id=overdue.pupil_id,
        source_id=overdue.action_id,
        source_type=AlertSource.ACTION,
        priority=Priority.NORMAL,
        received_at=overdue.overdue_at,
        created_at=created_at,
        next_step_at=created_at,
    ) | {"owner_user_id": overdue.owner_user_id}


def alert_for_pattern(event: Envelope[PatternDetected], created_at: datetime) -> dict[str, Any]:
    """A pattern in a child's recent events for the DSL rota to look at (normal priority).
    Ids and the rule only: what made it is in the child's file."""
    detected = event.payload
    return _alert(
        event,
        pupil_id=detected.pupil_id,
        source_id=detected.detection_id,
        source_type=AlertSource.PATTERN,
        priority=Priority.NORMAL,
        received_at=detected.detected_at,
        created_at=created_at,
        next_step_at=created_at,
    ) | {"pattern": detected.rule.value}


def alert_for_incoming_file(
    event: Envelope[TransferOffered], created_at: datetime
) -> dict[str, Any]:
    """A child's file offered to a school here: an alert for the receiving school's rota
    (the event itself belongs to the sending school). No child's details: the DSL accepts
    it in Harbour, under the pupil's id on their own roll."""
    offer = event.payload
    alert = _alert(
        event,
        pupil_id=None,
        source_id=offer.transfer_id,
        source_type=AlertSource.TRANSFER,
        priority=Priority.NORMAL,
        received_at=offer.offered_at,
        created_at=created_at,
        next_step_at=created_at,
    )
    return alert | {
        "trust_id": offer.to_trust_id,
        "school_id": offer.to_school_id,
        "from_school_id": event.school_id,
    }


def escalation_fields(next_step_at: datetime | None) -> dict[str, Any]:
    """The escalator's bookkeeping on an alert: when to look at it next."""
    return {"next_step_at": next_step_at, "awaiting_rota": False, "step_tiers": []}


def alerts_a_deadline_climbs(deadline: DeadlineChanged) -> tuple[str, str]:
    """The alerts a deadline event climbs, if still unacknowledged, in order: the one that
    started the deadline (its id is the source event's), else the one made for the
    deadline's approaching phase (its id is that phase event's)."""
    return deadline.source_event_id, phase_event_id(deadline.deadline_id, "approaching")


def amendment(alert: dict[str, Any], notice: EncompassAmended) -> dict[str, Any] | None:
    """The fields a police notification's amendment changes on its alert: the newer content,
    never an older one (None: nothing to change)."""
    if (alert.get("revision") or 0) >= notice.revision:
        return None
    content = notice.model_dump(mode="json", exclude={"notified_event_id"})
    return {"revision": notice.revision, "content": content}


def acknowledgement(user_id: str, at: datetime) -> dict[str, Any]:
    """What acknowledging sets on an alert: who and when, and no further escalation."""
    return {"acknowledged_at": at, "acknowledged_by": user_id, "next_step_at": None}


def acknowledged_event_id(alert_id: str) -> str:
    """Fixed by the alert, so that even a repeated publish is one event."""
    return str(uuid.uuid5(_ACKNOWLEDGED_EVENT_IDS, f"{alert_id}:acknowledged"))


def alert_acknowledged(
    alert: dict[str, Any], user_id: str, role: str | None, at: datetime
) -> Envelope[BaseModel]:
    return make_envelope(
        ALERT_ACKNOWLEDGED,
        AlertAcknowledged(
            alert_id=alert["_id"],
            source_id=alert["source_id"],
            source_type=alert["source_type"],
            source_event_id=alert["source_event_id"],
            pupil_id=alert["pupil_id"],
            acknowledged_by=user_id,
            acknowledged_at=at,
        ),
        trust_id=alert["trust_id"],
        school_id=alert["school_id"],
        subject=(
            Subject(kind="child", id=alert["pupil_id"])
            if alert["pupil_id"]
            else Subject(kind="school", id=alert["school_id"])
        ),
        actor=Actor(kind="user", id=user_id, role=role),
        correlation_id=alert["source_event_id"],
        event_id=acknowledged_event_id(alert["_id"]),
        occurred_at=at,
    )
