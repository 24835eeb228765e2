"""Escalation timers are stored: each step fires exactly once with two replicas of
notification running, across a SIGKILL of one of them, and across a restart of both."""

import asyncio
from collections import Counter
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.support.alerting import (
    Alerting,
    Team,
    alert_detail,
    alert_for_source,
    alerting_stack,
    reached_in_person,
    school_with_rota,
    tiers_taken,
)
from tests.support.api import eventually

STEP_SECONDS = 8


@pytest.fixture(scope="module")
async def env() -> AsyncIterator[Alerting]:
    with alerting_stack("alerting-restart") as started:
        # A second replica, configured like the first: competing consumers and loops. The
        # tests read through it, and kill the first.
        replica = started.stack.add("notification", "b")
        await asyncio.to_thread(replica.start)
        await started.notification.aclose()
        started.notification = httpx.AsyncClient(base_url=replica.url, timeout=15)
        yield started
        await started.aclose()


async def raise_concerns(env: Alerting, team: Team, count: int) -> list[str]:
    pupil = await team.school.add_pupil()
    concern_ids = []
    for _ in range(count):
        response = await team.school.raise_concern(pupil)
        assert response.status_code == 202, response.text
        concern_ids.append(response.json()["concern_id"])
    return [(await alert_for_source(env, team, c))["alert_id"] for c in concern_ids]


async def all_sent(env: Alerting, team: Team, alert_ids: list[str], tiers: list[int]) -> bool:
    """Every alert has taken at least these tiers and recorded every delivery as sent (so
    nothing is in flight: a kill now cannot catch a message sent but not recorded)."""
    for alert_id in alert_ids:
        detail = await alert_detail(env, team, alert_id)
        states = {d["state"] for d in detail["deliveries"]}
        if not set(tiers) <= set(tiers_taken(detail)) or states != {"sent"}:
            return False
    return True


async def wait_sent(env: Alerting, team: Team, alert_ids: list[str], tiers: list[int]) -> None:
    done = await eventually(
        lambda: all_sent(env, team, alert_ids, tiers), bool, timeout=60, interval=0.5
    )
    assert done, f"not all alerts reached tiers {tiers}"
    for alert_id in alert_ids:
        taken = tiers_taken(await alert_detail(env, team, alert_id))
        assert taken == sorted(set(taken)), f"a tier was notified twice: {taken}"


def duplicates(env: Alerting, alert_ids: list[str]) -> dict[str, int]:
    """Messages received more than once for the same alert and recipient."""
    counts: Counter[str] = Counter()
    for alert_id in alert_ids:
        counts.update(f"{alert_id} {to}" for m in env.emails_for(alert_id) for to in m.envelope_to)
        counts.update(f"{alert_id} {r.json['phone_number']}" for r in env.texts_for(alert_id))
    return {key: n for key, n in counts.items() if n > 1}


async def no_duplicates_after_a_while(env: Alerting, alert_ids: list[str]) -> dict[str, int]:
    async def probe() -> dict[str, int]:
        return duplicates(env, alert_ids)

    # Give a second firing every chance to arrive: two more step intervals.
    return await eventually(probe, bool, timeout=2 * STEP_SECONDS)


async def test_two_replicas_and_a_sigkill_notify_each_tier_exactly_once(env):
    team = await school_with_rota(env, normal_step_seconds=STEP_SECONDS)
    alert_ids = await raise_concerns(env, team, 4)
    await wait_sent(env, team, alert_ids, [1])

    # Between steps (every delivery recorded), kill one replica; the other carries on.
    env.stack["notification"].kill()
    await wait_sent(env, team, alert_ids, [1, 2])
    await asyncio.to_thread(env.stack["notification"].start)
    await wait_sent(env, team, alert_ids, [1, 2, 3])

    assert await no_duplicates_after_a_while(env, alert_ids) == {}
    for alert_id in alert_ids:
        assert reached_in_person(env, alert_id, team.everyone)
        detail = await alert_detail(env, team, alert_id)
        assert [s["reason"] for s in detail["steps"]] == ["initial", "timer", "timer"]


async def test_timers_survive_a_restart_of_every_replica(env):
    team = await school_with_rota(env, normal_step_seconds=STEP_SECONDS)
    alert_ids = await raise_concerns(env, team, 3)
    await wait_sent(env, team, alert_ids, [1])

    for key in ("notification", "notification-b"):
        env.stack[key].kill()
    await asyncio.sleep(2 * STEP_SECONDS)  # both further steps fall due while nobody runs
    await asyncio.gather(
        asyncio.to_thread(env.stack["notification"].start),
        asyncio.to_thread(env.stack["notification-b"].start),
    )

    await wait_sent(env, team, alert_ids, [1, 2, 3])
    assert await no_duplicates_after_a_while(env, alert_ids) == {}
    for alert_id in alert_ids:
        assert reached_in_person(env, alert_id, team.everyone)
