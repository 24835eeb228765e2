"""A school's set-up cached by every replica is dropped by all of them when one changes it:
the change's admin action reaches each process's own queue on the real broker."""

from __future__ import annotations

from faststream.rabbit import RabbitBroker

from contracts.admin_actions import AdminAction
from services.common.school_cache import SchoolCache
from services.common.school_changes import forget_on_change
from tests.support.api import School, eventually


async def _cached(cache: SchoolCache[str], school_id: str) -> str:
    async def load() -> str:
        return "as stored now"

    return await cache.get(school_id, load)


async def _fill(cache: SchoolCache[str], school_id: str) -> None:
    async def load() -> str:
        return "as cached before"

    await cache.get(school_id, load)


async def test_a_school_changed_through_one_replica_is_read_afresh_by_every_replica(
    stack, clients, school: School
) -> None:
    other = await School.register(clients.intake)
    # As the services build theirs (make_broker): no dependency injection.
    replicas = [RabbitBroker(stack.rabbit_url, apply_types=False) for _ in range(2)]
    caches: list[SchoolCache[str]] = [SchoolCache(3600) for _ in replicas]
    for broker, cache in zip(replicas, caches, strict=True):
        forget_on_change(broker, "intake", {AdminAction.SCHOOL_RECORDED: [cache]})
        await broker.start()
    try:
        for cache in caches:
            await _fill(cache, school.school_id)
            await _fill(cache, other.school_id)
            assert await _cached(cache, school.school_id) == "as cached before"

        renamed = await clients.intake.put(
            f"/v1/schools/{school.school_id}",
            json={"name": "Oak Primary Academy", "trust_id": school.trust_id},
            headers=school.admin,
        )
        assert renamed.status_code == 200, renamed.text

        for cache in caches:
            seen = await eventually(
                lambda cache=cache: _cached(cache, school.school_id),
                lambda value: value == "as stored now",
            )
            assert seen == "as stored now"
            # Another school's entry is kept: only the changed school is read again.
            assert await _cached(cache, other.school_id) == "as cached before"
    finally:
        for broker in replicas:
            await broker.stop()
