"""What a school is set up with (its calendar, pattern rules, rota, its record), kept in a
process's memory: hot paths read it for every concern, and it changes a few times a year.

An entry is dropped when this process changes it (the use case says so once its write is
stored), when any replica's change reaches this process as the admin action every such
change publishes (services.common.school_changes), and at the latest after `ttl_seconds`
(a change missed while the broker connection was down).

A load that was running when the entry was dropped is not kept: it may have read the
document before the change."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from cachetools import TTLCache

T = TypeVar("T")
_MISSING = object()


class SchoolCache(Generic[T]):
    def __init__(
        self,
        ttl_seconds: float,
        *,
        max_schools: int = 20_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._keeps = ttl_seconds > 0
        self._entries: TTLCache[str, T] = TTLCache(
            maxsize=max_schools, ttl=max(ttl_seconds, 1e-9), timer=clock
        )
        # Bumped by every forget: a load that began under an older number is not kept.
        self._generation = 0

    async def get(self, school_id: str, load: Callable[[], Awaitable[T]]) -> T:
        held = self._entries.get(school_id, _MISSING)
        if held is not _MISSING:
            return held  # type: ignore[return-value]
        generation = self._generation
        value = await load()
        if self._keeps and generation == self._generation:
            self._entries[school_id] = value
        return value

    def forget(self, school_id: str | None) -> None:
        """Drop a school's entry (None: every school's, for a trust-wide change)."""
        self._generation += 1
        if school_id is None:
            self._entries.clear()
        else:
            self._entries.pop(school_id, None)
