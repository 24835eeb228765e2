"""A school's admin or headteacher replaces its calendar (terms, closures, working hours);
the school's open deadlines are placed on it again.

The calendar is stored flagged `recompute_pending` in the same write, and the flag is
cleared once every open deadline is recomputed: a crash in between is finished by the
scheduler (finish_calendar_recomputes). The calendar's lock is held throughout, so two
changes at once cannot leave deadlines placed on the one that lost. The admin audit entry
(case.admin.action_recorded.v1) is in the calendar's write too."""

from __future__ import annotations

from contracts.admin_actions import AdminAction
from contracts.case_v1 import ADMIN_ACTION_RECORDED
from contracts.vocabulary import Role
from services.case.domain import deadline_phases
from services.case.domain.calendar import SchoolCalendar
from services.case.domain.deadlines import rescheduled
from services.case.ports import CasePorts
from services.common.access import school_in_reach
from services.common.admin_audit import admin_action_recorded
from services.common.auth import Principal
from services.common.errors import Busy
from services.common.locks import LockBusy, lock_key

CALENDAR_EDITORS = frozenset({Role.ADMIN, Role.HEADTEACHER})


async def set_calendar(
    ports: CasePorts, principal: Principal, school_id: str, calendar: SchoolCalendar
) -> int:
    """Store the calendar; how many open deadlines it moved."""
    store = ports.store
    school = school_in_reach(principal, school_id, await store.school(school_id), CALENDAR_EDITORS)
    now = ports.clock.now()
    audited = admin_action_recorded(
        ADMIN_ACTION_RECORDED,
        principal,
        AdminAction.CALENDAR_REPLACED,
        object_id=school_id,
        trust_id=school["trust_id"],
        school_id=school_id,
        at=now,
        details={"terms": len(calendar.terms), "closures": len(calendar.closures)},
    )
    try:
        async with ports.locks.hold(lock_key(store.calendars, school_id)):
            await store.save_calendar(
                school_id,
                school["trust_id"],
                calendar,
                updated_by=principal.user_id,
                at=now,
                events=[audited],
            )
            # Published now: other replicas stop using the calendar they cache.
            ports.writer.enqueue(store.calendars, [school_id])
            moved = await recompute_open_deadlines(ports, school_id, calendar)
            await store.calendar_recomputed(school_id)
    except LockBusy:
        raise Busy("the calendar is being changed by someone else; try again") from None
    return moved


async def finish_calendar_recomputes(ports: CasePorts) -> None:
    """Recompute the deadlines of calendars stored by a process that stopped before it had
    (a calendar being changed right now is left to the process changing it)."""
    store = ports.store
    for school_id in await store.schools_awaiting_recompute():
        async with ports.locks.attempt(lock_key(store.calendars, school_id)) as held:
            calendar = await store.calendar_awaiting_recompute(school_id) if held else None
            if calendar is not None:
                await recompute_open_deadlines(ports, school_id, calendar)
                await store.calendar_recomputed(school_id)


async def recompute_open_deadlines(
    ports: CasePorts, school_id: str, calendar: SchoolCalendar
) -> int:
    """Place every open deadline of the school on `calendar`; how many moved."""
    moved = 0
    for deadline_id in await ports.store.open_deadline_ids(school_id):
        moved += await _recompute(ports, deadline_id, calendar)
    return moved


async def _recompute(ports: CasePorts, deadline_id: str, calendar: SchoolCalendar) -> int:
    async with ports.writer.edit(ports.store.deadlines, deadline_id) as deadline:
        changes = {}
        if deadline.current is not None and deadline.current["status"] == "open":
            changes = rescheduled(deadline.current, calendar, ports.approaching_fraction)
        if changes:
            deadline.set(changes)
            # The timer follows the write (services.common.timers).
            deadline.after_write(
                lambda: ports.store.look_at_deadline(
                    deadline_id,
                    deadline_phases.next_look(deadline.document),
                    approaching=deadline.document["approaching_sent"],
                )
            )
    return 1 if changes else 0
