"""A school was registered or renamed on intake: notification keeps its name (for alert
texts) and its trust (for access checks). A late redelivery of older news changes nothing."""

from __future__ import annotations

from contracts.envelope import Envelope
from contracts.intake_v1 import SchoolRecorded
from services.notification.ports import NotificationPorts


async def record_school(ports: NotificationPorts, event: Envelope[SchoolRecorded]) -> bool:
    school = event.payload
    return await ports.store.record_school(
        school.school_id, school.trust_id, school.name, event.occurred_at
    )
