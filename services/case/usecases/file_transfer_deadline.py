"""file-transfer: a child protection file must reach the next school within five school
days. records says when a transfer starts (only for a child who has a file) and when the
receiving school confirmed receipt; the deadline's source is the transfer."""

from __future__ import annotations

from contracts.case_v1 import DeadlineRule
from contracts.envelope import Envelope
from contracts.records_v1 import TransferReceived, TransferStarted
from services.case.ports import CasePorts
from services.case.usecases.meet_deadline import meet_deadline
from services.case.usecases.start_deadline import ClockStart, start_deadline


async def transfer_started(ports: CasePorts, event: Envelope[TransferStarted]) -> None:
    started = event.payload
    start = ClockStart(
        DeadlineRule.FILE_TRANSFER,
        started.pupil_id,
        started.transfer_id,
        started.counts_from,
    )
    await start_deadline(ports, event, start)


async def transfer_received(ports: CasePorts, event: Envelope[TransferReceived]) -> None:
    """Meets the deadline (or is remembered, if it arrives before the start)."""
    received = event.payload
    await meet_deadline(
        ports,
        school_id=event.school_id,
        rule=DeadlineRule.FILE_TRANSFER,
        source_id=received.transfer_id,
        met_by=event.event_id,
        met_at=received.received_at,
    )
