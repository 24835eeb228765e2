"""Publishing departures whose last day has passed since the roster said so.

A roster may name a leaving date in the future; once that day is over the pupil is a
leaver and intake publishes intake.pupil.left.v1, once: `left_notified` records it (and
the event's id is derived from the departure, so a repeat is the same event).
"""

from __future__ import annotations

import logging

from services.common.events import SYSTEM
from services.intake.domain.pupil_records import due_departure, pupil_left
from services.intake.ports import IntakePorts

log = logging.getLogger("harbour.intake.leavers")


async def publish_departures(ports: IntakePorts) -> int:
    """Publish the departure of every pupil whose last day is before today in England;
    return how many were published."""
    store = ports.store
    today = ports.clock.today()
    published = 0
    for doc_id in await store.due_departures(today):
        async with ports.writer.edit(store.pupils, doc_id) as pupil:
            # Read again under the lock: an import may have got there first, or the
            # pupil may be back on roll.
            current = pupil.current
            last_day = due_departure(current, today) if current is not None else None
            if current is None or last_day is None:
                continue
            now = ports.clock.now()
            pupil.set({"left_notified": last_day.isoformat(), "updated_at": now})
            pupil.emit(
                pupil_left(
                    current["school_id"],
                    current["trust_id"],
                    current["pupil_id"],
                    last_day,
                    SYSTEM,
                    now,
                    current.get("destination_urn"),
                )
            )
        published += 1
    if published:
        log.info("departures published", extra={"count": published})
    return published
