"""The statutory clock's heartbeat: a background loop that, every few seconds, finishes any
calendar change a stopped process left half done and moves the due deadlines on."""

from __future__ import annotations

import asyncio
import logging

from services.case.ports import CasePorts
from services.case.usecases.advance_deadlines import advance_deadlines, watch_open_deadlines
from services.case.usecases.set_calendar import finish_calendar_recomputes

log = logging.getLogger("harbour.case.scheduler")


async def run_deadline_scheduler(ports: CasePorts, interval_seconds: float) -> None:
    await watch_open_deadlines(ports)
    while True:
        try:
            await finish_calendar_recomputes(ports)
            await advance_deadlines(ports)
        except Exception:
            log.exception("deadline scheduler pass failed")
        await asyncio.sleep(interval_seconds)
