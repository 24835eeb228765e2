"""A statutory deadline was met (case): the audit log says which, when and by whom."""

from __future__ import annotations

from contracts.case_v1 import DeadlineChanged
from contracts.envelope import Envelope
from services.records.domain.audit import deadline_met
from services.records.ports import RecordsPorts


async def audit_deadline_met(ports: RecordsPorts, event: Envelope[DeadlineChanged]) -> bool:
    """False if the event was logged already."""
    return await ports.store.log_once(deadline_met(event))
