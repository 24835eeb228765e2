"""case's subscribers: open the child's case and start the statutory clock."""

from __future__ import annotations

from contracts import intake_v1
from contracts.envelope import Envelope, utc_now
from services.case.domain.cases import case_key, touch_case
from services.case.domain.deadline_rules import Rule
from services.case.domain.deadlines import new_deadline
from services.case.store import CaseStore
from services.common.runtime import ServiceRuntime
from services.common.store import insert_if_absent, upsert_if_newer


def register(runtime: ServiceRuntime, store: CaseStore) -> None:
    async def concern_raised(event: Envelope[intake_v1.ConcernRaised]) -> None:
        concern = event.payload
        now = utc_now()
        # Both writes are idempotent, so a redelivery after a crash between them completes.
        await store.cases.update_one(
            {"_id": case_key(event.school_id, concern.pupil_id)},
            touch_case(event, pupil_id=concern.pupil_id, source_id=concern.concern_id, now=now),
            upsert=True,
        )
        deadline = new_deadline(
            Rule.DSL_TRIAGE,
            event,
            subject_id=concern.pupil_id,
            source_id=concern.concern_id,
            trigger=concern.received_at,
            calendar=await store.calendar_of(event.school_id),
            created_at=now,
            immediate_danger=concern.immediate_danger,
        )
        await insert_if_absent(store.deadlines, deadline)

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

    runtime.consume("case.deadlines", {intake_v1.CONCERN_RAISED: concern_raised})
    runtime.consume("case.directory", {intake_v1.PUPIL_RECORDED: pupil_recorded})
