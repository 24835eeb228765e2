"""notification's subscribers: thin translations from events to stored effects."""

from __future__ import annotations

from contracts import intake_v1
from contracts.envelope import Envelope, utc_now
from services.common.runtime import ServiceRuntime
from services.common.store import insert_if_absent, upsert_if_newer
from services.notification.domain.alerts import alert_for_concern
from services.notification.store import NotificationStore


def register(runtime: ServiceRuntime, store: NotificationStore) -> None:
    async def concern_raised(event: Envelope[intake_v1.ConcernRaised]) -> None:
        await insert_if_absent(store.alerts, alert_for_concern(event, utc_now()))

    async def school_recorded(event: Envelope[intake_v1.SchoolRecorded]) -> None:
        school = event.payload
        await upsert_if_newer(
            store.schools,
            school.school_id,
            {"name": school.name, "trust_id": school.trust_id, "school_id": school.school_id},
            event.occurred_at,
        )

    runtime.consume("notification.alerts", {intake_v1.CONCERN_RAISED: concern_raised})
    runtime.consume("notification.directory", {intake_v1.SCHOOL_RECORDED: school_recorded})
