"""Publishing departures whose last day has passed since the roster said so.

A roster may name a leaving date in the future; once that day is over the pupil is a
leaver and intake publishes intake.pupil.left.v1 (once: `left_notified` records it).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import date

from contracts.envelope import utc_now
from services.common.events import SYSTEM
from services.common.locks import DocumentLocks, lock_key
from services.common.outbox import OutboxRelay, merge_updates, push_events
from services.common.retries import retry_busy
from services.intake.domain.encompass import uk_today
from services.intake.roster_import import left_envelope
from services.intake.store import IntakeStore

log = logging.getLogger("harbour.intake.leavers")

_FIELDS = {"school_id": 1, "trust_id": 1, "pupil_id": 1, "on_roll_to": 1, "left_notified": 1}


async def publish_due_departures(
    store: IntakeStore, relay: OutboxRelay, locks: DocumentLocks, today: date
) -> int:
    """Publish intake.pupil.left.v1 for every pupil whose last day is before `today`."""
    due = store.pupils.find(
        {"left_notified": None, "on_roll_to": {"$lt": today.isoformat()}}, projection={"_id": 1}
    )
    published = 0
    for doc_id in [doc["_id"] async for doc in due]:
        published += await _publish_departure(store, relay, locks, doc_id, today)
    if published:
        log.info("departures published", extra={"count": published})
    return published


async def _publish_departure(
    store: IntakeStore, relay: OutboxRelay, locks: DocumentLocks, doc_id: str, today: date
) -> bool:
    async with locks.hold(lock_key(store.pupils, doc_id)):
        pupil = await store.pupils.find_one({"_id": doc_id}, projection=_FIELDS)
        last = pupil.get("on_roll_to") if pupil else None
        if pupil is None or pupil.get("left_notified") or not last or last >= today.isoformat():
            return False  # an import got there first, or the pupil is back on roll
        event = left_envelope(
            pupil["school_id"],
            pupil["trust_id"],
            pupil["pupil_id"],
            date.fromisoformat(last),
            SYSTEM,
        )
        update = merge_updates(
            {"$set": {"left_notified": last, "updated_at": utc_now()}, "$inc": {"version": 1}},
            push_events([event]),
        )
        await retry_busy(lambda: store.pupils.update_one({"_id": doc_id}, update))
    relay.enqueue(store.pupils, doc_id)
    return True


def departures_loop(
    store: IntakeStore, relay: OutboxRelay, locks: DocumentLocks, every_seconds: float
) -> Callable[[], Awaitable[None]]:
    async def loop() -> None:
        while True:
            await publish_due_departures(store, relay, locks, uk_today())
            await asyncio.sleep(every_seconds)

    return loop
