"""records' subscribers: every significant event becomes a chronology entry."""

from __future__ import annotations

from contracts import intake_v1
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

    runtime.consume("records.chronology", {intake_v1.CONCERN_RAISED: concern_raised})
    runtime.consume("records.directory", {intake_v1.PUPIL_RECORDED: pupil_recorded})
