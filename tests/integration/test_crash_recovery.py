"""Nothing accepted is lost or doubled when a consumer is killed or the broker restarts."""

import asyncio
import subprocess
from collections import Counter

import pytest

from contracts.intake_v1 import CONCERN_RAISED
from services.common.outbox import with_outbox
from tests.support.api import School, eventually
from tests.support.events import concern_raised
from tests.support.stack import RABBIT_CTL, ROOT


async def _post_concerns(school: School, pupil: str, count: int, per_second: float) -> list[str]:
    """Post concerns at a steady rate; return the ids of those answered 202."""
    accepted: list[str] = []

    async def one(i: int) -> None:
        response = await school.raise_concern(pupil, key=f"burst-{i}")
        if response.status_code == 202:
            accepted.append(response.json()["concern_id"])

    tasks = []
    for i in range(count):
        tasks.append(asyncio.create_task(one(i)))
        await asyncio.sleep(1 / per_second)
    await asyncio.gather(*tasks, return_exceptions=True)
    return accepted


async def _effects(clients, school: School, pupil: str) -> dict[str, Counter[str]]:
    alerts = await clients.notification.get("/v1/alerts", headers=school.dsl, params={"limit": 500})
    chronology = await clients.records.get(f"/v1/children/{pupil}/chronology", headers=school.dsl)
    deadlines = await clients.case.get(
        "/v1/deadlines", headers=school.dsl, params={"pupil_id": pupil, "limit": 1000}
    )
    entries = chronology.json()["entries"] if chronology.status_code == 200 else []
    # The concerns' own effects (so many concerns also make a pattern-watch alert and entry).
    return {
        "alert": Counter(
            a["source_id"] for a in alerts.json()["alerts"] if a["source_type"] == "concern"
        ),
        "entry": Counter(e["source_id"] for e in entries if e["event_type"] == CONCERN_RAISED),
        "deadline": Counter(d["source_id"] for d in deadlines.json()["deadlines"]),
    }


def _complete(accepted: list[str]):
    def check(effects: dict[str, Counter[str]]) -> bool:
        return all(set(found) >= set(accepted) for found in effects.values())

    return check


def _assert_exactly_once(effects: dict[str, Counter[str]], accepted: list[str]) -> None:
    for kind, found in effects.items():
        missing = set(accepted) - set(found)
        doubled = {k: n for k, n in found.items() if n > 1}
        assert not missing, f"{len(missing)} concerns have no {kind}"
        assert not doubled, f"{kind} doubled for {doubled}"
        assert set(found) == set(accepted), f"unexpected {kind}s"


@pytest.mark.parametrize("victim", ["case", "notification", "records"])
async def test_a_consumer_killed_mid_stream_catches_up_exactly_once(
    clients, stack, school: School, victim: str
):
    pupil = await school.add_pupil()
    posting = asyncio.create_task(_post_concerns(school, pupil, count=60, per_second=15))

    await asyncio.sleep(1.5)
    stack[victim].kill()  # SIGKILL: no graceful shutdown, unacked messages are redelivered
    await asyncio.sleep(1.5)
    await asyncio.to_thread(stack[victim].start)
    accepted = await posting

    assert len(accepted) == 60
    effects = await eventually(
        # 60 concerns about one child contend for its case and pattern watch: on a busy
        # 2-core machine the redelivered ones take a while to win the lock.
        lambda: _effects(clients, school, pupil),
        _complete(accepted),
        timeout=180,
    )
    _assert_exactly_once(effects, accepted)


def _rabbitmq(*args: str) -> None:
    subprocess.run([str(RABBIT_CTL), *args], check=True, capture_output=True, timeout=120)


def _restart_rabbitmq() -> None:
    pid_file = str(ROOT / ".data" / "rabbitmq" / "rabbitmq.pid")
    _rabbitmq("rabbitmqctl", "-q", "stop", pid_file)
    _rabbitmq("rabbitmq-server", "-detached")
    _rabbitmq("rabbitmqctl", "-q", "wait", "--timeout", "90", pid_file)


async def test_every_accepted_concern_survives_a_broker_restart(clients, stack, school: School):
    pupil = await school.add_pupil()
    posting = asyncio.create_task(_post_concerns(school, pupil, count=80, per_second=8))

    await asyncio.sleep(2)
    await asyncio.to_thread(_restart_rabbitmq)
    accepted = await posting

    # Intake keeps accepting while the broker is away: the outbox holds the events.
    assert len(accepted) == 80
    effects = await eventually(
        lambda: _effects(clients, school, pupil), _complete(accepted), timeout=180
    )
    _assert_exactly_once(effects, accepted)


async def test_an_event_stored_but_never_published_goes_out_when_intake_comes_back(
    clients, stack, school: School, mongo
):
    """Intake died after storing a concern and before publishing its event."""
    pupil = await school.add_pupil()
    event = concern_raised(school, pupil)
    concern = event.payload
    stack["intake"].kill()
    await mongo("intake").concerns.insert_one(
        with_outbox(
            {
                "_id": concern.concern_id,
                "trust_id": school.trust_id,
                "school_id": school.school_id,
                "pupil_id": pupil,
                "reported_by": concern.reported_by.user_id,
                "received_at": concern.received_at,
                "fingerprint": "stored-before-the-crash",
                "concern": concern.model_dump(mode="json"),
            },
            [event],
        )
    )

    await asyncio.to_thread(stack["intake"].start)

    accepted = [concern.concern_id]
    effects = await eventually(
        lambda: _effects(clients, school, pupil), _complete(accepted), timeout=30
    )
    _assert_exactly_once(effects, accepted)
    stored = await eventually(
        lambda: mongo("intake").concerns.find_one({"_id": concern.concern_id}),
        lambda found: found["outbox_pending"] is False,  # marked moments after publishing
    )
    assert stored["outbox_pending"] is False
    assert stored["outbox"][0]["state"] == "published"
