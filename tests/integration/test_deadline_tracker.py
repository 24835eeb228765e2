"""The tracker fires `approaching` and `breached` exactly once per deadline, also across a
restart of case and with two replicas of it, and never breaches a deadline met in time."""

import asyncio
from collections import Counter
from datetime import timedelta

from contracts.case_v1 import DEADLINE_APPROACHING, DEADLINE_BREACHED, DEADLINE_MET
from contracts.envelope import utc_now
from tests.support.api import School, eventually
from tests.support.broker import Capture, publish_raw
from tests.support.events import concern_raised

PHASES = [DEADLINE_APPROACHING, DEADLINE_BREACHED, DEADLINE_MET]


async def _concerns_due_in(stack, school: School, pupil: str, seconds: list[float]) -> list[str]:
    """Concerns received long enough ago that their 60-minute triage deadline is `seconds`
    away (and already past its approaching moment, 15 minutes before due)."""
    ids = []
    for s in seconds:
        received = utc_now() - timedelta(minutes=60) + timedelta(seconds=s)
        event = concern_raised(school, pupil, received_at=received)
        await publish_raw(
            stack.rabbit_url, event.event_type, event.model_dump_json().encode(), event.event_id
        )
        ids.append(event.payload.concern_id)
    return ids


async def _deadlines(clients, school: School, pupil: str) -> dict[str, dict]:
    response = await clients.case.get(
        "/v1/deadlines", headers=school.dsl, params={"pupil_id": pupil, "limit": 1000}
    )
    return {d["source_id"]: d for d in response.json()["deadlines"]}


def _per_deadline(capture: Capture, routing_key: str, school: School) -> Counter[str]:
    return Counter(
        b["payload"]["deadline_id"]
        for b in capture.bodies(routing_key)
        if b["school_id"] == school.school_id
    )


async def _all_breached(clients, school, pupil, concern_ids) -> dict[str, dict]:
    return await eventually(
        lambda: _deadlines(clients, school, pupil),
        lambda found: all(found.get(c, {}).get("status") == "breached" for c in concern_ids),
        timeout=60,
    )


async def test_approaching_then_breached_exactly_once_each(clients, stack, school: School):
    pupil = await school.add_pupil()
    async with Capture(stack.rabbit_url, PHASES) as wire:
        concern_ids = await _concerns_due_in(stack, school, pupil, [2, 3, 4])
        deadlines = await _all_breached(clients, school, pupil, concern_ids)
        await asyncio.sleep(2)  # any second firing would arrive by now

    assert {d["status"] for d in deadlines.values()} == {"breached"}
    approaching = _per_deadline(wire, DEADLINE_APPROACHING, school)
    breached = _per_deadline(wire, DEADLINE_BREACHED, school)
    ids = {d["deadline_id"] for d in deadlines.values()}
    assert approaching == Counter({i: 1 for i in ids})
    assert breached == Counter({i: 1 for i in ids})


async def test_two_replicas_of_case_fire_each_phase_once(clients, stack, school: School):
    pupil = await school.add_pupil()
    second = stack.add("case", "replica")
    await asyncio.to_thread(second.start)
    try:
        async with Capture(stack.rabbit_url, PHASES) as wire:
            concern_ids = await _concerns_due_in(
                stack, school, pupil, [3 + i * 0.2 for i in range(20)]
            )
            deadlines = await _all_breached(clients, school, pupil, concern_ids)
            await asyncio.sleep(2)
    finally:
        await asyncio.to_thread(second.stop)

    ids = {d["deadline_id"] for d in deadlines.values()}
    assert len(ids) == 20
    assert _per_deadline(wire, DEADLINE_APPROACHING, school) == Counter({i: 1 for i in ids})
    assert _per_deadline(wire, DEADLINE_BREACHED, school) == Counter({i: 1 for i in ids})


async def test_a_restart_between_approaching_and_breach_fires_nothing_twice(
    clients, stack, school: School
):
    pupil = await school.add_pupil()
    async with Capture(stack.rabbit_url, PHASES) as wire:
        # Due in 8 s: approaching fires at once, then case stops and comes back before due.
        concern_ids = await _concerns_due_in(stack, school, pupil, [8, 8.5, 9])
        await eventually(
            lambda: asyncio.sleep(0, _per_deadline(wire, DEADLINE_APPROACHING, school)),
            lambda found: len(found) == 3,
        )
        await asyncio.to_thread(stack["case"].stop)
        await asyncio.to_thread(stack["case"].start)
        deadlines = await _all_breached(clients, school, pupil, concern_ids)
        await asyncio.sleep(2)

    ids = {d["deadline_id"] for d in deadlines.values()}
    assert _per_deadline(wire, DEADLINE_APPROACHING, school) == Counter({i: 1 for i in ids})
    assert _per_deadline(wire, DEADLINE_BREACHED, school) == Counter({i: 1 for i in ids})


async def test_a_crash_never_makes_a_second_event(clients, stack, school: School, mongo):
    """SIGKILL may repeat a publish (same event id, harmless to consumers) but never decides
    a phase twice: one event per phase in the deadline's outbox, one event id on the wire.

    A process killed while it held a deadline's lock delays that deadline's events until
    the lock expires (30 s), so the wire is awaited, not sampled."""
    pupil = await school.add_pupil()
    async with Capture(stack.rabbit_url, PHASES) as wire:
        concern_ids = await _concerns_due_in(stack, school, pupil, [1 + i * 0.1 for i in range(30)])
        await asyncio.sleep(1.2)
        await asyncio.to_thread(stack["case"].kill)
        await asyncio.to_thread(stack["case"].start)
        deadlines = await _all_breached(clients, school, pupil, concern_ids)
        ids = {d["deadline_id"] for d in deadlines.values()}
        await eventually(
            lambda: asyncio.sleep(
                0,
                [
                    set(_per_deadline(wire, phase, school))
                    for phase in (DEADLINE_APPROACHING, DEADLINE_BREACHED)
                ],
            ),
            lambda seen: all(found >= ids for found in seen),
            timeout=45,
        )
        await asyncio.sleep(2)  # time for a duplicate to show, if one were coming

    for deadline in deadlines.values():
        stored = await mongo("case").deadlines.find_one({"_id": deadline["deadline_id"]})
        phases = Counter(entry["event_type"] for entry in stored["outbox"])
        assert phases == Counter({DEADLINE_APPROACHING: 1, DEADLINE_BREACHED: 1})
    for phase in (DEADLINE_APPROACHING, DEADLINE_BREACHED):
        ids_per_deadline: dict[str, set[str]] = {}
        for body in wire.bodies(phase):
            ids_per_deadline.setdefault(body["payload"]["deadline_id"], set()).add(body["event_id"])
        assert all(len(ids) == 1 for ids in ids_per_deadline.values())
        assert set(ids_per_deadline) == {d["deadline_id"] for d in deadlines.values()}


async def test_a_deadline_met_in_time_never_breaches(clients, stack, school: School):
    pupil = await school.add_pupil()
    async with Capture(stack.rabbit_url, PHASES) as wire:
        [concern_id] = await _concerns_due_in(stack, school, pupil, [6])
        await eventually(lambda: _deadlines(clients, school, pupil), lambda d: concern_id in d)

        decided = await clients.case.post(
            f"/v1/concerns/{concern_id}/triage",
            json={"pupil_id": pupil, "decision": "monitor_in_school", "reason": "Known to EH."},
            headers=school.dsl,
        )
        await asyncio.sleep(8)  # well past the due time
        deadline = (await _deadlines(clients, school, pupil))[concern_id]

    assert decided.status_code == 201, decided.text
    assert decided.json()["deadline"] == "met"
    assert deadline["status"] == "met"
    assert _per_deadline(wire, DEADLINE_BREACHED, school) == Counter()
    assert _per_deadline(wire, DEADLINE_MET, school) == Counter({deadline["deadline_id"]: 1})


async def test_a_concern_is_triaged_once(clients, stack, school: School):
    pupil = await school.add_pupil()
    concern_id = (await school.raise_concern(pupil)).json()["concern_id"]
    await eventually(lambda: _deadlines(clients, school, pupil), lambda d: concern_id in d)
    body = {"pupil_id": pupil, "decision": "no_further_action", "reason": "Explained by PE."}

    first = await clients.case.post(
        f"/v1/concerns/{concern_id}/triage", json=body, headers=school.dsl
    )
    second = await clients.case.post(
        f"/v1/concerns/{concern_id}/triage", json=body, headers=school.dsl
    )
    by_staff = await clients.case.post(
        f"/v1/concerns/{concern_id}/triage", json=body, headers=school.staff
    )

    assert first.status_code == 201
    assert second.status_code == 409
    assert by_staff.status_code == 404
