"""The statutory clock starts: a concern starts dsl-triage (and fgm-police-report when FGM
was discovered, owned by the teacher who recorded it), a police notification
encompass-before-school (a concern joins the child's case after its deadlines are stored, a
police notification before), a referral to children's
social care starts social-care-feedback; a pupil leaving starts nothing here (see
pupil_left). Every step is idempotent, so a redelivered event after a crash between them
completes what the first delivery began."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from contracts import case_v1, intake_v1
from contracts.case_v1 import DeadlineRule
from contracts.envelope import Envelope
from services.case.domain.deadline_phases import next_look
from services.case.domain.deadlines import new_deadline
from services.case.domain.referrals import FEEDBACK_AGENCIES
from services.case.ports import CasePorts
from services.case.usecases.join_case import join_case, join_cases
from services.case.usecases.meet_deadline import apply_early_meet, apply_early_meets
from services.common.store import Document


@dataclass(frozen=True)
class ClockStart:
    rule: DeadlineRule
    pupil_id: str
    source_id: str  # what the deadline is for: the concern, police notification, transfer…
    trigger: datetime | date
    immediate_danger: bool = False
    owner_user_id: str | None = None  # whose personal duty it is (fgm-police-report)


async def concern_raised(ports: CasePorts, event: Envelope[intake_v1.ConcernRaised]) -> None:
    """The deadlines first, then the case: a concern's deadlines are met by steps taken on
    the case (a triage decision, an FGM report), which need the concern on the case, so none
    can be met before it is stored, and no early meeting is looked for. A redelivery that
    finds the concern on the case already looks, for a case joined by a delivery that
    stopped before its deadlines."""
    concern = event.payload
    starts = [
        ClockStart(
            DeadlineRule.DSL_TRIAGE,
            concern.pupil_id,
            concern.concern_id,
            concern.received_at,
            immediate_danger=concern.immediate_danger,
        )
    ]
    if concern.fgm_discovered:
        starts.append(
            ClockStart(
                DeadlineRule.FGM_POLICE_REPORT,
                concern.pupil_id,
                concern.concern_id,
                concern.received_at,
                owner_user_id=concern.reported_by.user_id,
            )
        )
    deadlines = [await start_deadline(ports, event, start, early_meet=False) for start in starts]
    if not await join_case(ports, event, "concern", concern.concern_id):
        await apply_early_meets(ports, deadlines)


async def police_notification_received(
    ports: CasePorts, event: Envelope[intake_v1.EncompassNotified]
) -> None:
    notice = event.payload
    await join_case(ports, event, "police_notification", notice.notification_id)
    start = ClockStart(
        DeadlineRule.ENCOMPASS_BEFORE_SCHOOL,
        notice.pupil_id,
        notice.notification_id,
        notice.received_at,
    )
    await start_deadline(ports, event, start)


async def police_notifications_received(
    ports: CasePorts, events: Sequence[Envelope[intake_v1.EncompassNotified]]
) -> None:
    """A police batch's children of one school (services.common.together): they join their
    cases in one bulk write, then their deadlines are stored together, as `start_deadline`
    stores one: one calendar read, one insert, one timer write and one look for meetings
    that came first."""
    await join_cases(
        ports, [(event, event.payload.notification_id) for event in events], "police_notification"
    )
    store, now = ports.store, ports.clock.now()
    calendar = await store.calendar_of(events[0].school_id)
    deadlines = [
        new_deadline(
            DeadlineRule.ENCOMPASS_BEFORE_SCHOOL,
            event,
            subject_id=event.payload.pupil_id,
            source_id=event.payload.notification_id,
            trigger=event.payload.received_at,
            calendar=calendar,
            created_at=now,
            immediate_danger=False,
            approaching_fraction=ports.approaching_fraction,
            owner_user_id=None,
        )
        for event in events
    ]
    await ports.writer.insert_many(store.deadlines, deadlines)  # `_id`s fixed by the events
    await store.look_at_deadlines(
        [(d["_id"], next_look(d), d["approaching_sent"]) for d in deadlines]
    )
    await apply_early_meets(ports, deadlines)


async def pupil_left(ports: CasePorts, event: Envelope[intake_v1.PupilLeft]) -> None:
    """Starts nothing. Only a leaver with a child protection file has a file to transfer,
    and only records knows who has one: it starts the transfer and publishes
    records.transfer.started.v1, which starts file-transfer (file_transfer_deadline.py).
    Starting it here gave every leaver a deadline nothing could meet. The handler stays
    bound so that departures already queued are consumed, not dead-lettered."""
    return None


async def referral_made(ports: CasePorts, event: Envelope[case_v1.ReferralMade]) -> None:
    """Children's social care owes the school its decision on a referral."""
    referral = event.payload
    if referral.agency not in FEEDBACK_AGENCIES:
        return
    start = ClockStart(
        DeadlineRule.SOCIAL_CARE_FEEDBACK,
        referral.pupil_id,
        referral.referral_id,
        referral.made_at,
    )
    await start_deadline(ports, event, start)


async def start_deadline(
    ports: CasePorts, event: Envelope[Any], start: ClockStart, *, early_meet: bool = True
) -> Document:
    """Store the deadline and its timer; `early_meet`: meet it now if its meeting came
    first. Returns the deadline as stored."""
    store = ports.store
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
        owner_user_id=start.owner_user_id,
    )
    # Stored without its lock: only this path creates deadlines, and its id is the event's.
    await ports.writer.insert(store.deadlines, deadline, [])
    # The document before its timer (services.common.timers); a repeat only repeats these.
    await store.look_at_deadline(
        deadline["_id"], next_look(deadline), approaching=deadline["approaching_sent"]
    )
    if early_meet:
        await apply_early_meet(ports, deadline)
    return deadline
