"""Acknowledging an alert: records who and when, stops escalation, and publishes
`notification.alert.acknowledged.v1` once.

The read-check-write runs under the alert's document lock (every writer of an alert takes
it, the outbox relay included), so two acknowledgements at once cannot both win. The
event's id is derived from the alert's, which keeps even a repeated publish one event.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from pydantic import BaseModel

from contracts.envelope import Actor, Envelope, Subject
from contracts.notification_v1 import ALERT_ACKNOWLEDGED, AlertAcknowledged
from services.common.events import make_envelope
from services.common.locks import DocumentLocks, lock_key
from services.common.outbox import OutboxRelay, merge_updates, push_events
from services.common.store import Document
from services.notification.store import NotificationStore

log = logging.getLogger("harbour.notification.acknowledgements")

_EVENT_IDS = uuid.UUID("5f0c4a8e-2a59-4c8e-9d1b-6e2b7f3a9c01")


def acknowledged_event_id(alert_id: str) -> str:
    return str(uuid.uuid5(_EVENT_IDS, f"{alert_id}:acknowledged"))


class Acknowledger:
    def __init__(self, store: NotificationStore, relay: OutboxRelay, locks: DocumentLocks) -> None:
        self._store = store
        self._relay = relay
        self._locks = locks

    async def acknowledge(
        self, alert_id: str, user_id: str, role: str | None, now: datetime
    ) -> Document:
        """The alert after acknowledging it; a second acknowledgement changes nothing."""
        async with self._locks.hold(lock_key(self._store.alerts, alert_id)):
            alert = await self._store.alerts.find_one({"_id": alert_id})
            if alert is None:
                raise LookupError(alert_id)
            if alert["acknowledged_at"] is not None:
                return alert
            fields = {"acknowledged_at": now, "acknowledged_by": user_id, "next_step_at": None}
            event = _event(alert, user_id, role, now)
            await self._store.alerts.update_one(
                {"_id": alert_id}, merge_updates({"$set": fields}, push_events([event]))
            )
            await self._store.alert_timers.clear(alert_id)
        self._relay.enqueue(self._store.alerts, alert_id)
        log.info("alert acknowledged", extra={"alert_id": alert_id, "user_id": user_id})
        return {**alert, **fields}


def _event(alert: Document, user_id: str, role: str | None, now: datetime) -> Envelope[BaseModel]:
    return make_envelope(
        ALERT_ACKNOWLEDGED,
        AlertAcknowledged(
            alert_id=alert["_id"],
            source_id=alert["source_id"],
            source_type=alert["source_type"],
            source_event_id=alert["source_event_id"],
            pupil_id=alert["pupil_id"],
            acknowledged_by=user_id,
            acknowledged_at=now,
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
        occurred_at=now,
    )
