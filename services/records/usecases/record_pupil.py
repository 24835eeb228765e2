"""intake recorded (or changed) a pupil: records keeps who the child is, for the head of
their chronology. A late redelivery of older news changes nothing."""

from __future__ import annotations

from contracts.envelope import Envelope
from contracts.intake_v1 import PupilRecorded
from services.records.ports import RecordsPorts


async def record_pupil(ports: RecordsPorts, event: Envelope[PupilRecorded]) -> bool:
    pupil = event.payload
    state = {
        "trust_id": event.trust_id,
        "school_id": event.school_id,
        **pupil.model_dump(mode="json"),
    }
    return await ports.store.record_child(event.school_id, pupil.pupil_id, state, event.occurred_at)
