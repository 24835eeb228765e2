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
