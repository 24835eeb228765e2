"""intake recorded (or changed) a school: records keeps its name, trust and URN, to know
where a leaver's file goes. A late redelivery of older news changes nothing."""

from __future__ import annotations

from contracts.envelope import Envelope
from contracts.intake_v1 import SchoolRecorded
from services.records.ports import RecordsPorts


async def record_school(ports: RecordsPorts, event: Envelope[SchoolRecorded]) -> bool:
    school = event.payload
    state = {"school_id": school.school_id, "trust_id": school.trust_id, "name": school.name}
    return await ports.store.record_school(
        school.school_id, {**state, "urn": school.urn}, event.occurred_at
    )
