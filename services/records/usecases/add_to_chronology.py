"""A significant event about a child becomes an entry in its chronology, with its full
content: a concern raised, a police notification, and each amendment of one (a new entry
with the new content; the first stays as it was). The entry for event E has `_id` E, so a
redelivered event adds nothing."""

from __future__ import annotations

from pydantic import BaseModel

from contracts.envelope import Envelope
from contracts.intake_v1 import ConcernRaised, EncompassNotified
from services.records.domain.chronology import CASE_STEPS, chronology_entry
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


async def add_case_step(ports: RecordsPorts, event: Envelope[BaseModel]) -> bool:
    """A step on the child's case (a decision, action, note, referral, closure…; the
    table in domain/chronology.py says which). False if the event was recorded already."""
    pupil_id, source_id, occurred_at = CASE_STEPS[event.event_type].of(event.payload)
    entry = chronology_entry(
        event,
        pupil_id=pupil_id,
        source_id=source_id,
        occurred_at=occurred_at,
        recorded_at=ports.clock.now(),
    )
    return await ports.store.add_entry(entry)
