"""The scheduler's pass over actions: each open action whose date has passed (close of
business on it) is flagged overdue and case.action.overdue.v1 published, exactly once,
across replicas and restarts: the flag and the event are one write of the case, made under
its lock after reading it again, and the event's id is fixed by the action. The work is
found in the small action_timers collection, not in the cases."""

from __future__ import annotations

from datetime import datetime

from services.case.domain import actions
from services.case.domain.case_steps import find, replaced
from services.case.ports import CasePorts
from services.common.errors import Busy

BATCH = 200


async def flag_overdue_actions(ports: CasePorts, batch: int = BATCH) -> int:
    """How many actions were found overdue in this pass."""
    now = ports.clock.now()
    flagged = 0
    for key in await ports.store.actions_to_look_at(now, batch):
        try:
            flagged += await _look_at(ports, key, now)
        except Busy:
            continue  # the case is being written (by another replica, or a DSL): next pass
    return flagged


async def _look_at(ports: CasePorts, key: str, now: datetime) -> int:
    case_id, action_id = actions.from_timer_key(key)
    # wait_seconds=0: a case someone else is writing is left for the next pass.
    async with ports.writer.edit(ports.store.cases, case_id, wait_seconds=0, ordered=True) as edit:
        case = edit.current
        action = find((case or {}).get("actions"), "action_id", action_id)
        if case is None or action is None or action["status"] != "open" or action.get("overdue_at"):
            edit.after_write(lambda: ports.store.look_at_action(key, None))
            return 0
        if not actions.is_overdue(action, now):
            when = action["overdue_from"]
            edit.after_write(lambda: ports.store.look_at_action(key, when))
            return 0
        flagged = {**action, "overdue_at": now}
        edit.set({"actions": replaced(case["actions"], "action_id", flagged)})
        edit.emit(actions.overdue_event(case, flagged, now))
        edit.after_write(lambda: ports.store.look_at_action(key, None))
    return 1
