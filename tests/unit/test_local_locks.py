"""Per-key locks inside one process: a writer of many documents holds them all at once, and
none while it waits for one another writer has, so single-document writers of the others
are not kept waiting behind it."""

import asyncio

import pytest

from services.common.locks import LocalLocks, LockBusy


async def test_every_key_is_held_together_and_released_after():
    locks = LocalLocks()
    async with locks.hold_all(["cases/P1", "cases/P2"]):
        with pytest.raises(LockBusy):
            async with locks.hold("cases/P2", 0):
                pass
    async with locks.hold("cases/P2", 0):  # released
        pass


async def test_while_one_key_is_taken_the_others_stay_free():
    locks = LocalLocks()
    order: list[str] = []
    p2_taken, p2_done = asyncio.Event(), asyncio.Event()

    async def concern_about(key: str, *, until: asyncio.Event | None = None) -> None:
        async with locks.hold(key, 0):  # never waits: fails if the batch holds it
            order.append(f"concern {key}")
            if until is not None:
                p2_taken.set()
                await until.wait()

    async def batch() -> None:
        async with locks.hold_all(["cases/P1", "cases/P2", "cases/P3"], wait_seconds=5):
            order.append("batch")

    holder = asyncio.create_task(concern_about("cases/P2", until=p2_done))
    await p2_taken.wait()
    waiting = asyncio.create_task(batch())
    await asyncio.sleep(0)  # the batch has found P2 taken and waits for it, holding nothing
    await concern_about("cases/P1")
    await concern_about("cases/P3")
    p2_done.set()
    await asyncio.gather(holder, waiting)

    assert order == ["concern cases/P2", "concern cases/P1", "concern cases/P3", "batch"]


async def test_a_key_held_past_the_wait_makes_it_busy():
    locks = LocalLocks()
    async with locks.hold("cases/P2"):
        with pytest.raises(LockBusy):
            async with locks.hold_all(["cases/P1", "cases/P2"], wait_seconds=0.05):
                pass
        async with locks.hold("cases/P1", 0):  # nothing left held by the failed attempt
            pass
