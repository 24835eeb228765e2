"""case's subscribers: open the child's case and start (or stop) the statutory clock."""

from __future__ import annotations

from typing import Any

from contracts import intake_v1, notification_v1
from contracts.case_v1 import DeadlineRule
from contracts.envelope import Envelope, utc_now
from services.case.domain.cases import case_key, touch_case
from services.case.domain.deadlines import new_deadline
from services.case.store import CaseStore
from services.case.tracker import DeadlineTracker
from services.common.outbox import with_outbox
from services.common.runtime import ServiceRuntime
from services.common.store import Document, insert_if_absent, upsert_if_newer


def register(runtime: ServiceRuntime, store: CaseStore, tracker: DeadlineTracker) -> None:
    # Every write here is idempotent, so a redelivery after a crash between them completes.
    async def open_case(event: Envelope[Any], pupil_id: str, source_id: str) -> None:
        await store.cases.update_one(
            {"_id": case_key(event.school_id, pupil_id)},
            touch_case(event, pupil_id=pupil_id, source_id=source_id, now=utc_now()),
            upsert=True,
        )

    async def start_clock(deadline: Document) -> None:
        await insert_if_absent(store.deadlines, with_outbox(deadline, []))
        await tracker.track(deadline)
        await tracker.apply_early_meet(deadline)

    async def concern_raised(event: Envelope[intake_v1.ConcernRaised]) -> None:
        concern = event.payload
        await open_case(event, concern.pupil_id, concern.concern_id)
        deadline = new_deadline(
            DeadlineRule.DSL_TRIAGE,
            event,
            subject_id=concern.pupil_id,
            source_id=concern.concern_id,
            trigger=concern.received_at,
            calendar=await store.calendar_of(event.school_id),
            created_at=utc_now(),
            immediate_danger=concern.immediate_danger,
            approaching_fraction=tracker.approaching_fraction,
        )
        await start_clock(deadline)

    async def encompass_notified(event: Envelope[intake_v1.EncompassNotified]) -> None:
        notice = event.payload
        await open_case(event, notice.pupil_id, notice.notification_id)
        deadline = new_deadline(
            DeadlineRule.ENCOMPASS_BEFORE_SCHOOL,
            event,
            subject_id=notice.pupil_id,
            source_id=notice.notification_id,
            trigger=notice.received_at,
            calendar=await store.calendar_of(event.school_id),
            created_at=utc_now(),
            approaching_fraction=tracker.approaching_fraction,
        )
        await start_clock(deadline)

    async def pupil_left(event: Envelope[intake_v1.PupilLeft]) -> None:
        left = event.payload
        deadline = new_deadline(
            DeadlineRule.FILE_TRANSFER,
            event,
            subject_id=left.pupil_id,
            source_id=f"{left.pupil_id}@{left.last_day_on_roll.isoformat()}",
            trigger=left.last_day_on_roll,
            calendar=await store.calendar_of(event.school_id),
            created_at=utc_now(),
            approaching_fraction=tracker.approaching_fraction,
        )
        await start_clock(deadline)

    async def alert_acknowledged(event: Envelope[notification_v1.AlertAcknowledged]) -> None:
        ack = event.payload
        if ack.source_type != notification_v1.AlertSource.ENCOMPASS:
            return  # a concern's triage deadline is met by a triage decision, not an ack
        await tracker.meet(
            school_id=event.school_id,
            rule=DeadlineRule.ENCOMPASS_BEFORE_SCHOOL,
            source_id=ack.source_id,
            met_by=event.event_id,
            met_at=ack.acknowledged_at,
        )

    async def school_recorded(event: Envelope[intake_v1.SchoolRecorded]) -> None:
        school = event.payload
        await upsert_if_newer(
            store.schools,
            school.school_id,
            {"school_id": school.school_id, "trust_id": school.trust_id, "name": school.name},
            event.occurred_at,
        )

    async def pupil_recorded(event: Envelope[intake_v1.PupilRecorded]) -> None:
        pupil = event.payload
        await upsert_if_newer(
            store.children,
            case_key(event.school_id, pupil.pupil_id),
            {
                "trust_id": event.trust_id,
                "school_id": event.school_id,
                **pupil.model_dump(mode="json"),
            },
            event.occurred_at,
        )

    runtime.consume(
        "case.deadlines",
        {
            intake_v1.CONCERN_RAISED: concern_raised,
            intake_v1.ENCOMPASS_NOTIFIED: encompass_notified,
            intake_v1.PUPIL_LEFT: pupil_left,
            notification_v1.ALERT_ACKNOWLEDGED: alert_acknowledged,
        },
    )
    runtime.consume(
        "case.directory",
        {intake_v1.SCHOOL_RECORDED: school_recorded, intake_v1.PUPIL_RECORDED: pupil_recorded},
    )
