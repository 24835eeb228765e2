"""records' subscribers: every significant event becomes a chronology entry."""

from __future__ import annotations

from contracts import case_v1, intake_v1
from contracts.envelope import Envelope, utc_now
from services.common.runtime import ServiceRuntime
from services.common.store import insert_if_absent, upsert_if_newer
from services.records.domain.chronology import chronology_entry
from services.records.store import RecordsStore


def register(runtime: ServiceRuntime, store: RecordsStore) -> None:
    async def concern_raised(event: Envelope[intake_v1.ConcernRaised]) -> None:
        concern = event.payload
        entry = chronology_entry(
            event,
            pupil_id=concern.pupil_id,
            source_id=concern.concern_id,
            occurred_at=concern.occurred_at,
            recorded_at=utc_now(),
        )
        await insert_if_absent(store.chronology, entry)

    async def encompass(event: Envelope[intake_v1.EncompassNotified]) -> None:
        # An amendment is a new entry with the new content; the first one stays as it was.
        notice = event.payload
        entry = chronology_entry(
            event,
            pupil_id=notice.pupil_id,
            source_id=notice.notification_id,
            occurred_at=notice.incident_at,
            recorded_at=utc_now(),
        )
        await insert_if_absent(store.chronology, entry)

    async def deadline_met(event: Envelope[case_v1.DeadlineChanged]) -> None:
        await insert_if_absent(
            store.audit,
            {
                "_id": event.event_id,
                "at": event.occurred_at,
                "action": event.event_type,
                "trust_id": event.trust_id,
                "school_id": event.school_id,
                "pupil_id": event.payload.pupil_id,
                "deadline_id": event.payload.deadline_id,
                "met_by": event.payload.met_by,
            },
        )

    async def pupil_recorded(event: Envelope[intake_v1.PupilRecorded]) -> None:
        pupil = event.payload
        await upsert_if_newer(
            store.children,
            f"{event.school_id}/{pupil.pupil_id}",
            {
                "trust_id": event.trust_id,
                "school_id": event.school_id,
                **pupil.model_dump(mode="json"),
            },
            event.occurred_at,
        )

    runtime.consume(
        "records.chronology",
        {
            intake_v1.CONCERN_RAISED: concern_raised,
            intake_v1.ENCOMPASS_NOTIFIED: encompass,
            intake_v1.ENCOMPASS_AMENDED: encompass,
        },
    )
    runtime.consume("records.directory", {intake_v1.PUPIL_RECORDED: pupil_recorded})
    runtime.consume("records.audit", {case_v1.DEADLINE_MET: deadline_met})
