"""intake recorded (or changed) a pupil: records keeps who the child is, for the head of
their chronology. A late redelivery of older news changes nothing."""

from __future__ import annotations

from contracts.envelope import Envelope
from contracts.intake_v1 import PupilRecorded, PupilsRecorded
from services.records.ports import RecordsPorts


async def record_pupil(ports: RecordsPorts, event: Envelope[PupilRecorded]) -> bool:
    pupil = event.payload
    state = {
        "trust_id": event.trust_id,
        "school_id": event.school_id,
        **pupil.model_dump(mode="json"),
    }
    return await ports.store.record_child(event.school_id, pupil.pupil_id, state, event.occurred_at)


async def record_pupils(ports: RecordsPorts, event: Envelope[PupilsRecorded]) -> None:
    """Many pupils of one school at once (a roster import), each as `record_pupil` would."""
    states = [
        {"trust_id": event.trust_id, "school_id": event.school_id, **pupil.model_dump(mode="json")}
        for pupil in event.payload.pupils
    ]
    await ports.store.record_children(event.school_id, states, event.occurred_at)
