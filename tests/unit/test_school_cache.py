"""The per-process cache of a school's set-up: kept for its time, dropped on a change."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from services.common.school_cache import SchoolCache


class Loads:
    def __init__(self) -> None:
        self.count = 0

    async def __call__(self) -> int:
        self.count += 1
        return self.count


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_school_is_read_once_while_its_entry_lasts_and_again_after() -> None:
    clock, loads = Clock(), Loads()
    cache: SchoolCache[int] = SchoolCache(60, clock=clock)
    assert [await cache.get("oak", loads) for _ in range(3)] == [1, 1, 1]
    clock.now += 59
    assert await cache.get("oak", loads) == 1
    clock.now += 2
    assert await cache.get("oak", loads) == 2


async def test_forgetting_a_school_reads_it_again_and_keeps_the_others() -> None:
    cache: SchoolCache[str] = SchoolCache(60, clock=Clock())
    await cache.get("oak", _returns("oak v1"))
    await cache.get("elm", _returns("elm v1"))
    cache.forget("oak")
    assert await cache.get("oak", _returns("oak v2")) == "oak v2"
    assert await cache.get("elm", _returns("elm v2")) == "elm v1"
    cache.forget(None)  # a trust-wide change
    assert await cache.get("elm", _returns("elm v3")) == "elm v3"


async def test_a_read_that_began_before_a_change_is_not_kept() -> None:
    cache: SchoolCache[str] = SchoolCache(60, clock=Clock())
    reading, release = asyncio.Event(), asyncio.Event()

    async def slow_old_read() -> str:
        reading.set()
        await release.wait()
        return "before the change"

    pending = asyncio.ensure_future(cache.get("oak", slow_old_read))
    await reading.wait()
    cache.forget("oak")  # the change is stored while the read is under way
    release.set()
    assert await pending == "before the change"
    assert await cache.get("oak", _returns("after the change")) == "after the change"


async def test_no_time_to_live_reads_every_time() -> None:
    loads = Loads()
    cache: SchoolCache[int] = SchoolCache(0, clock=Clock())
    assert [await cache.get("oak", loads) for _ in range(3)] == [1, 2, 3]


async def test_the_least_recently_stored_school_makes_room() -> None:
    cache: SchoolCache[str] = SchoolCache(60, max_schools=2, clock=Clock())
    for school in ("oak", "elm", "ash"):
        await cache.get(school, _returns(f"{school} v1"))
    assert await cache.get("oak", _returns("oak v2")) == "oak v2"
    assert await cache.get("ash", _returns("ash v2")) == "ash v1"


def _returns(value: str) -> Callable[[], Awaitable[str]]:
    async def load() -> str:
        return value

    return load
