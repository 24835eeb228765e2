"""The statutory clock's heartbeat: a background loop that, every few seconds, finishes any
calendar change a stopped process left half done, moves the due deadlines on, and flags
the actions whose date has passed."""

from __future__ import annotations

import asyncio
import logging

from services.case.ports import CasePorts
from services.case.usecases.advance_deadlines import advance_deadlines, watch_open_deadlines
from services.case.usecases.flag_overdue_actions import flag_overdue_actions
from services.case.usecases.set_calendar import finish_calendar_recomputes

log = logging.getLogger("harbour.case.scheduler")


async def run_deadline_scheduler(ports: CasePorts, interval_seconds: float) -> None:
    await watch_open_deadlines(ports)
    while True:
        try:
            await finish_calendar_recomputes(ports)
            await advance_deadlines(ports)
            await flag_overdue_actions(ports)
        except Exception:
            log.exception("deadline scheduler pass failed")
        await asyncio.sleep(interval_seconds)
