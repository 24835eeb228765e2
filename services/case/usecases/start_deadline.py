"""The statutory clock starts: a concern starts dsl-triage, a police notification
encompass-before-school (both on the child's case, opened by the first of them), a pupil
leaving starts file-transfer. Every step is idempotent, so a redelivered event after a crash
between them completes what the first delivery began."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from contracts import intake_v1
from contracts.case_v1 import DeadlineRule
from contracts.envelope import Envelope
from services.case.domain.deadline_phases import next_look
from services.case.domain.deadlines import leaver_source_id, new_deadline
from services.case.ports import CasePorts
from services.case.usecases.meet_deadline import apply_early_meet


@dataclass(frozen=True)
class ClockStart:
    rule: DeadlineRule
    pupil_id: str
    source_id: str  # what the deadline is for: the concern, police notification or leaving
    trigger: datetime | date
    immediate_danger: bool = False
    opens_case: bool = True


async def concern_raised(ports: CasePorts, event: Envelope[intake_v1.ConcernRaised]) -> None:
    concern = event.payload
    start = ClockStart(
        DeadlineRule.DSL_TRIAGE,
        concern.pupil_id,
        concern.concern_id,
        concern.received_at,
        immediate_danger=concern.immediate_danger,
    )
    await start_deadline(ports, event, start)


async def police_notification_received(
    ports: CasePorts, event: Envelope[intake_v1.EncompassNotified]
) -> None:
    notice = event.payload
    start = ClockStart(
        DeadlineRule.ENCOMPASS_BEFORE_SCHOOL,
        notice.pupil_id,
        notice.notification_id,
        notice.received_at,
    )
    await start_deadline(ports, event, start)


async def pupil_left(ports: CasePorts, event: Envelope[intake_v1.PupilLeft]) -> None:
    left = event.payload
    start = ClockStart(
        DeadlineRule.FILE_TRANSFER,
        left.pupil_id,
        leaver_source_id(left.pupil_id, left.last_day_on_roll),
        left.last_day_on_roll,
        opens_case=False,
    )
    await start_deadline(ports, event, start)


async def start_deadline(ports: CasePorts, event: Envelope[Any], start: ClockStart) -> None:
    store = ports.store
    if start.opens_case:
        await store.open_case(
            trust_id=event.trust_id,
            school_id=event.school_id,
            pupil_id=start.pupil_id,
            source_id=start.source_id,
            activity_at=event.occurred_at,
            now=ports.clock.now(),
        )
    deadline = new_deadline(
        start.rule,
        event,
        subject_id=start.pupil_id,
        source_id=start.source_id,
        trigger=start.trigger,
        calendar=await store.calendar_of(event.school_id),
        created_at=ports.clock.now(),
        immediate_danger=start.immediate_danger,
        approaching_fraction=ports.approaching_fraction,
    )
    # Stored without its lock: only this path creates deadlines, and its id is the event's.
    await ports.writer.insert(store.deadlines, deadline, [])
    # The document before its timer (services.common.timers); a repeat only repeats these.
    await store.look_at_deadline(
        deadline["_id"], next_look(deadline), approaching=deadline["approaching_sent"]
    )
    await apply_early_meet(ports, deadline)
