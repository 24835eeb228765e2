"""case keeps the pupils on each school's roll as intake last recorded them, newest first (a
late redelivery of an older event changes nothing), to know which children a case can be
about."""

from __future__ import annotations

from contracts import intake_v1
from contracts.envelope import Envelope
from services.case.ports import CasePorts


async def record_pupil(ports: CasePorts, event: Envelope[intake_v1.PupilRecorded]) -> None:
    await ports.store.record_pupil(
        event.school_id,
        event.trust_id,
        event.payload.model_dump(mode="json"),
        as_of=event.occurred_at,
    )


async def record_pupils(ports: CasePorts, event: Envelope[intake_v1.PupilsRecorded]) -> None:
    """Many pupils of one school at once (a roster import), each as `record_pupil` would."""
    await ports.store.record_pupils(
        event.school_id,
        event.trust_id,
        [pupil.model_dump(mode="json") for pupil in event.payload.pupils],
        as_of=event.occurred_at,
    )
