"""Running many small store calls at once, and retrying store calls that failed for a
passing reason (the store out of reach, or too busy to take a write)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from pymongo.errors import OperationFailure

from services.common.store import TRANSIENT_STORE_ERRORS, is_transient

T = TypeVar("T")


async def gather_limited(calls: Sequence[Awaitable[T]], limit: int = 16) -> list[T]:
    """Await every call with at most `limit` in flight; results in the calls' order."""
    gate = asyncio.Semaphore(limit)

    async def one(call: Awaitable[T]) -> T:
        async with gate:
            return await call

    return list(await asyncio.gather(*(one(call) for call in calls)))


async def retry_busy(call: Callable[[], Awaitable[T]], attempts: int = 8) -> T:
    """Run `call` again, with jittered back-off, while the store is busy or out of reach.

    Only for idempotent writes: inserts by `_id` (a repeat is a duplicate key), `$set`s,
    and outbox appends whose events keep their ids (consumers ignore a repeat)."""
    delay = 0.05
    for attempt in range(attempts):
        try:
            return await call()
        except (OperationFailure, *TRANSIENT_STORE_ERRORS) as exc:
            if not is_transient(exc) or attempt == attempts - 1:
                raise
        await asyncio.sleep(delay * (1 + random.random()))
        delay = min(delay * 2, 2.0)
    raise AssertionError("unreachable")
