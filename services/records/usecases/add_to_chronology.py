"""A significant event about a child becomes an entry in its chronology, with its full
content: a concern raised, a police notification, and each amendment of one (a new entry
with the new content; the first stays as it was). The entry for event E has `_id` E, so a
redelivered event adds nothing."""

from __future__ import annotations

from contracts.envelope import Envelope
from contracts.intake_v1 import ConcernRaised, EncompassNotified
from services.records.domain.chronology import chronology_entry
from services.records.ports import RecordsPorts


async def add_concern(ports: RecordsPorts, event: Envelope[ConcernRaised]) -> bool:
    """False if the event was recorded already."""
    concern = event.payload
    entry = chronology_entry(
        event,
        pupil_id=concern.pupil_id,
        source_id=concern.concern_id,
        occurred_at=concern.occurred_at,
        recorded_at=ports.clock.now(),
    )
    return await ports.store.add_entry(entry)


async def add_police_notification(ports: RecordsPorts, event: Envelope[EncompassNotified]) -> bool:
    """A notification or an amendment of one (EncompassAmended extends EncompassNotified).
    False if the event was recorded already."""
    notice = event.payload
    entry = chronology_entry(
        event,
        pupil_id=notice.pupil_id,
        source_id=notice.notification_id,
        occurred_at=notice.incident_at,
        recorded_at=ports.clock.now(),
    )
    return await ports.store.add_entry(entry)
