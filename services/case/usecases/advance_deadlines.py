"""The scheduler's pass: every deadline whose moment has come is approaching or breached,
each announced exactly once, across replicas and restarts.

Each move is one write of the state and its event together, made under the deadline's
lock after reading it again, so two replicas (or a restart) cannot decide it twice. The
scheduler finds its work in a small timers collection (services.common.timers), not in the
ever-growing deadlines."""

from __future__ import annotations

from datetime import datetime

from services.case.domain import deadline_phases
from services.case.ports import CasePorts
from services.common.errors import Busy

BATCH = 200


async def advance_deadlines(ports: CasePorts, batch: int = BATCH) -> int:
    """Announce what the due deadlines have reached; how many events that made."""
    now = ports.clock.now()
    announced = 0
    for deadline_id in await ports.store.deadlines_to_look_at(now, batch):
        try:
            announced += await _advance(ports, deadline_id, now)
        except Busy:
            continue  # another replica holds this deadline and will deal with it
    return announced


async def watch_open_deadlines(ports: CasePorts) -> int:
    """At start: a timer for every open deadline (one scan, so that nothing can be left
    without one, whatever happened before)."""
    found = 0
    async for deadline in ports.store.open_deadlines():
        await ports.store.look_at_deadline(
            deadline["_id"],
            deadline_phases.next_look(deadline),
            approaching=deadline["approaching_sent"],
        )
        found += 1
    return found


async def _advance(ports: CasePorts, deadline_id: str, now: datetime) -> int:
    # wait_seconds=0: a deadline someone else is writing is left to them.
    async with ports.writer.edit(ports.store.deadlines, deadline_id, wait_seconds=0) as deadline:
        phases: list[deadline_phases.Phase] = []
        if deadline.current is not None:
            phases = deadline_phases.phases_reached(deadline.current, now)
        if phases:
            deadline.set(deadline_phases.reached(phases, now))
            deadline.emit(
                *(deadline_phases.phase_event(deadline.current, p, at=now) for p in phases)
            )
        # The timer follows the write (services.common.timers); none for a missing deadline.
        deadline.after_write(
            lambda: ports.store.look_at_deadline(
                deadline_id,
                deadline_phases.next_look(deadline.document),
                approaching=bool(deadline.document.get("approaching_sent")),
            )
        )
    for phase in phases:
        ports.metrics.phase_reached(deadline.document["rule"], phase)
    return len(phases)
