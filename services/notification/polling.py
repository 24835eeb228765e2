"""The shape of notification's background loops: do a pass, then sleep until woken (new
work in this process) or until the poll interval is up (work another replica made, or a
timer come due)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("harbour.notification.loops")


async def poll(
    name: str, wake: asyncio.Event, seconds: float, one_pass: Callable[[], Awaitable[object]]
) -> None:
    while True:
        wake.clear()
        try:
            await one_pass()
        except Exception:
            log.exception("%s pass failed", name)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), timeout=seconds)
