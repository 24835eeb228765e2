"""notification's subscribers: thin translations from events to stored effects."""

from __future__ import annotations

from contracts import case_v1, intake_v1
from contracts.envelope import Envelope, utc_now
from services.common.runtime import ServiceRuntime
from services.common.store import insert_if_absent, upsert_if_newer
from services.notification.domain.alerts import alert_for_concern, alert_for_encompass
from services.notification.store import NotificationStore


def register(runtime: ServiceRuntime, store: NotificationStore) -> None:
    async def concern_raised(event: Envelope[intake_v1.ConcernRaised]) -> None:
        await insert_if_absent(store.alerts, alert_for_concern(event, utc_now()))

    async def encompass_notified(event: Envelope[intake_v1.EncompassNotified]) -> None:
        await insert_if_absent(store.alerts, alert_for_encompass(event, utc_now()))

    async def encompass_amended(event: Envelope[intake_v1.EncompassAmended]) -> None:
        # The alert of the first notification gains the newer content (never an older one).
        notice = event.payload
        await store.alerts.update_one(
            {
                "school_id": event.school_id,
                "source_id": notice.notification_id,
                "source_type": "encompass",
                "revision": {"$lt": notice.revision},
            },
            {"$set": {"revision": notice.revision, "content": notice.model_dump(mode="json")}},
        )

    async def deadline_changed(event: Envelope[case_v1.DeadlineChanged]) -> None:
        return None  # escalation on deadline events: see the alerting work

    async def school_recorded(event: Envelope[intake_v1.SchoolRecorded]) -> None:
        school = event.payload
        await upsert_if_newer(
            store.schools,
            school.school_id,
            {"name": school.name, "trust_id": school.trust_id, "school_id": school.school_id},
            event.occurred_at,
        )

    runtime.consume(
        "notification.alerts",
        {
            intake_v1.CONCERN_RAISED: concern_raised,
            intake_v1.ENCOMPASS_NOTIFIED: encompass_notified,
            intake_v1.ENCOMPASS_AMENDED: encompass_amended,
        },
    )
    runtime.consume(
        "notification.deadlines",
        {
            case_v1.DEADLINE_APPROACHING: deadline_changed,
            case_v1.DEADLINE_BREACHED: deadline_changed,
        },
    )
    runtime.consume("notification.directory", {intake_v1.SCHOOL_RECORDED: school_recorded})
