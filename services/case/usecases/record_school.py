"""case keeps what it needs of the schools intake registers (their trust, for access
checks), newest first: a late redelivery of an older event changes nothing."""

from __future__ import annotations

from contracts import intake_v1
from contracts.envelope import Envelope
from services.case.ports import CasePorts


async def record_school(ports: CasePorts, event: Envelope[intake_v1.SchoolRecorded]) -> None:
    school = event.payload
    await ports.store.record_school(
        school.school_id, school.trust_id, school.name, as_of=event.occurred_at
    )
